/**
 * Auto-configuration of the SSE+POST session endpoint and its properties.
 */
package dev.wtfallback.autoconfigure.ssesession;
