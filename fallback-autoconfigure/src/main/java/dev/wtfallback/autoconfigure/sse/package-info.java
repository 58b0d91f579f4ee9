/**
 * Auto-configuration of the Server-Sent Events hub for servlet web applications.
 */
package dev.wtfallback.autoconfigure.sse;
