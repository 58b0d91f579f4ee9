/**
 * QMux over a message transport: the codec, the session engine and subprotocol negotiation.
 */
package dev.wtfallback.core.qmux;
