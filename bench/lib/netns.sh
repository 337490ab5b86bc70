# Sourced by every bench script that makes network namespaces: deleting them for sure, and
# sweeping up the ones a killed run left behind.
#
# Names carry the creating script's pid (alpbs-<pid>-*, alp-bench-<pid>-*, alp-scale-<pid>-*), so
# a namespace whose pid is no longer alive belongs to a run that died without its exit trap
# (SIGKILL, a machine reset) and can go.

# Deletes a namespace of ours once the processes we started in it are gone: a process still
# inside (in its own mount namespace, as `ip netns exec` makes) keeps the /run/netns mount busy
# and `ip netns del` would leave the name behind.
netns_del() {
  local ns="$1" pids i
  pids="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
  [ -n "${pids// /}" ] && kill $pids 2>/dev/null
  for i in $(seq 1 50); do
    [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break
    sleep 0.1
  done
  pids="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
  [ -n "${pids// /}" ] && kill -KILL $pids 2>/dev/null
  for i in $(seq 1 20); do
    ip netns del "$ns" 2>/dev/null && return 0
    [ -e "/run/netns/$ns" ] || return 0
    sleep 0.2
  done
  echo "${SECTION:-bench}: could not delete network namespace $ns" >&2
  return 1
}

# netns_reap_stale PREFIX: deletes every namespace PREFIX-<pid>-* whose pid is not running.
netns_reap_stale() {
  local prefix="$1" path name pid
  for path in /run/netns/"$prefix"-*; do
    [ -e "$path" ] || continue
    name="${path##*/}"
    pid="${name#"$prefix"-}"
    pid="${pid%%-*}"
    case "$pid" in '' | *[!0-9]*) continue ;; esac
    [ -d "/proc/$pid" ] && continue
    echo "${SECTION:-bench}: removing $name, left by a run that did not clean up (pid $pid is gone)" >&2
    netns_del "$name" || true
  done
}
