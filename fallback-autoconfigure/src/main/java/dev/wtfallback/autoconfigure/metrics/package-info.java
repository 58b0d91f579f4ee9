/**
 * Auto-configuration of the Micrometer meters.
 */
package dev.wtfallback.autoconfigure.metrics;
