/**
 * Auto-configuration of what all session transports share: origins, authentication, session limits,
 * graceful shutdown and the start-up check of contradictory settings.
 */
package dev.wtfallback.autoconfigure.server;
