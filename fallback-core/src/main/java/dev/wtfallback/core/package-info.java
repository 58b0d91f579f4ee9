/**
 * Public API of multiplexed sessions: connections, streams, datagrams and the handler that receives them.
 */
package dev.wtfallback.core;
