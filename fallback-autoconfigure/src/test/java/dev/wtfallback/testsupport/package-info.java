/**
 * WebSocket clients for tests that talk to a server on loopback.
 */
package dev.wtfallback.testsupport;
