/**
 * QMux sessions carried by Server-Sent Events from the server and HTTP POST bodies from the client.
 */
package dev.wtfallback.web.ssesession;
