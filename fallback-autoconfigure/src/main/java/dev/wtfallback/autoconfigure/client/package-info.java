/**
 * Auto-configuration that serves the browser client script, and its properties.
 */
package dev.wtfallback.autoconfigure.client;
