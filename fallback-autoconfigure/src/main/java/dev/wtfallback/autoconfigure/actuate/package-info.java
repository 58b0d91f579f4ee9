/**
 * Actuator support: the read-only {@code fallback} endpoint and the {@code fallback} health contributor.
 */
package dev.wtfallback.autoconfigure.actuate;
