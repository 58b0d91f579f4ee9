package dev.wtfallback.web.sse;

/**
 * An event as a browser's {@code EventSource} would dispatch it.
 *
 * @param type the event type, {@code message} when the stream named none
 * @param data the data lines joined with LF
 * @param lastEventId the stream's last event id at dispatch
 */
record SseEvent(String type, String data, String lastEventId) {
}
