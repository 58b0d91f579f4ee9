/**
 * Micrometer meters of sessions, streams, datagrams and the SSE hub, fed by the events of a
 * {@link dev.wtfallback.core.FallbackListener}.
 */
package dev.wtfallback.metrics;
