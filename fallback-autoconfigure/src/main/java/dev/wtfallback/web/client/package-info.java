/**
 * Serving of the browser client script bundled in this library.
 */
package dev.wtfallback.web.client;
