/**
 * Spring WebSocket support for QMux sessions: the handler, the handshake and the adapter for handlers of your own.
 */
package dev.wtfallback.web.socket;
