/**
 * Server-Sent Events hub: client streams, event framing, replay and client-to-server messages.
 */
package dev.wtfallback.web.sse;
