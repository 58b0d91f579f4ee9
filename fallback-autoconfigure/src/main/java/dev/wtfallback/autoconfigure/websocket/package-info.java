/**
 * Auto-configuration of the QMux-over-WebSocket endpoint and its properties.
 */
package dev.wtfallback.autoconfigure.websocket;
