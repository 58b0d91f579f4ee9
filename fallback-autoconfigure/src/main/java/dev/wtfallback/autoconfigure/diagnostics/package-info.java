/**
 * Start-up checks of settings that contradict each other, and the failure analysis that explains them.
 */
package dev.wtfallback.autoconfigure.diagnostics;
