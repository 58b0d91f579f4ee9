package dev.wtfallback.web.ssesession;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Loggers shared by the classes of this package.
 */
final class SseSessionLogging {

	/**
	 * Quiet category for clients that went away: ended streams and failed writes, logged at
	 * DEBUG without stack traces.
	 */
	static final Log DISCONNECTS = LogFactory.getLog(SseSessionEndpoint.DISCONNECT_LOG_CATEGORY);

	private SseSessionLogging() {
	}

}
