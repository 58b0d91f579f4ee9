/**
 * Java client that opens QMux sessions over the JDK's WebSocket client.
 */
package dev.wtfallback.core.client;
