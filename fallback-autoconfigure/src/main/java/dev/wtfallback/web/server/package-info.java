/**
 * What every session transport served over HTTP shares: the origin policy, handshake authentication,
 * limits on concurrent sessions, the registry of open sessions and their drain on shutdown.
 */
package dev.wtfallback.web.server;
