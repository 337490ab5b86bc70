package org.alpenstack.admin.api.model;

/**
 * One socket, like a line of {@code ss -tuanpi}. State names are the ones ss prints (ESTAB,
 * SYN-SENT, UNCONN ...). Fields a protocol or the backend does not know are null.
 */
public record ConnectionInfo(String id, String protocol, String state, String local, String remote, long sendQueue,
                             long receiveQueue, Long rttMicros, Long cwnd, Long retransmits, Long bytesSent,
                             Long bytesReceived, Integer pid, String program) {
}
