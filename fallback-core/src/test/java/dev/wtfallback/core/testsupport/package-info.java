/**
 * Test support shared by modules: running the Node.js interop peers.
 */
package dev.wtfallback.core.testsupport;
