/**
 * Sample application that echoes streams and datagrams.
 */
package dev.wtfallback.sample;
