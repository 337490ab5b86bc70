#!/bin/sh
# A five-minute tour of the admin API with curl, as an operator would paste it.
# ALPENSTACK is the server's address; LINK is the link to create (a TAP device by default,
# the tests use an in-process "memory" link); RUN attaches a program to an instance with the
# preload shim (empty: skip that step, for servers without shim endpoints).
set -eu
A=${ALPENSTACK:-http://127.0.0.1:8475}
RUN=${RUN-bin/alpenstack run}
LINK=${LINK:-'{"name":"lab","type":"tap","hostAddress":"10.213.0.1/24"}'}
J='Content-Type: application/json'

echo '== a link, and two instances on it'
curl -fsS -X POST "$A/api/v1/links" -H "$J" -d "$LINK"; echo
curl -fsS -X POST "$A/api/v1/instances" -H "$J" \
     -d '{"name":"blue","link":"lab","addresses":["10.213.0.2/24"],"gateway":"10.213.0.1"}'; echo
curl -fsS -X POST "$A/api/v1/instances" -H "$J" \
     -d '{"name":"green","link":"lab","addresses":["10.213.0.3/24"]}'; echo
curl -fsS "$A/api/v1/instances" | jq -r '.[] | "\(.name) \(.mac) \(.addresses | join(","))"'

echo '== a route, listed, then flushed'
curl -fsS -X POST "$A/api/v1/instances/blue/routes" -H "$J" \
     -d '{"destination":"10.99.0.0/16","gateway":"10.213.0.3"}'; echo
curl -fsS "$A/api/v1/instances/blue/routes" | jq -r '.[] | "\(.destination) via \(.gateway // "-") \(.interface)"'
curl -fsS -X DELETE "$A/api/v1/instances/blue/routes"; echo

echo '== an error names the field'
code=$(curl -sS -o /tmp/alpenstack-tour-error.json -w '%{http_code}' -X POST "$A/api/v1/instances" -H "$J" \
     -d '{"name":"bad","link":"lab","addresses":["10.213.0.300/24"]}')
cat /tmp/alpenstack-tour-error.json; echo
rm -f /tmp/alpenstack-tour-error.json
[ "$code" = 422 ]

echo '== sockets (like ss -tuan) and counters (like netstat -s)'
curl -fsS "$A/api/v1/instances/blue/connections"; echo
curl -fsS "$A/api/v1/instances/blue/stats" | jq '.counters | {ethOutFrames, arpOutRequests}'

echo '== programs attached with the shim: python3 serves HTTP in green, curl in blue fetches it'
if [ -n "$RUN" ]; then
    $RUN --tenant green -- python3 -m http.server 8000 --bind 10.213.0.3 >/dev/null 2>&1 &
    web=$!
    fetched=no
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        if $RUN --tenant blue -- curl -fsS -o /dev/null -w 'blue fetched from green: HTTP %{http_code}\n' \
               http://10.213.0.3:8000/; then fetched=yes; break; fi
        sleep 0.5
    done
    curl -fsS "$A/api/v1/instances/green/connections?port=8000" | jq -r '.[] | "\(.state) \(.local) \(.program // "-")"'
    curl -fsS "$A/api/v1/instances/green/clients" | jq -r '.[] | "attached: pid \(.pid) \(.program)"'
    kill $web
    wait $web 2>/dev/null || true
    [ $fetched = yes ]
fi

echo '== capture 10 packets while green announces new addresses (gratuitous ARP)'
curl -fsS -o tour.pcap "$A/api/v1/instances/green/capture?count=10&seconds=10" &
capture=$!
sleep 0.5
for i in 10 11 12 13 14 15 16 17 18 19 20 21; do
    curl -fsS -o /dev/null -X POST "$A/api/v1/instances/green/interfaces/eth0/addresses" -H "$J" \
         -d "{\"address\":\"10.213.0.$i/24\"}"
done
wait $capture
if command -v tcpdump >/dev/null; then tcpdump -nr tour.pcap 2>/dev/null | head -3; fi

echo '== metrics for Prometheus'
metrics=$(curl -fsS "$A/metrics")    # a failed scrape stops the tour (set -e), a pipe would hide it
echo "$metrics" | grep '^alpenstack_packets_total' | head -4

echo '== delete'
curl -fsS -X DELETE "$A/api/v1/instances/blue"
curl -fsS -X DELETE "$A/api/v1/instances/green"
curl -fsS -X DELETE "$A/api/v1/links/lab"
curl -fsS "$A/api/v1/instances"; echo
