package dev.wtfallback.core;

/**
 * Application callback that serves one connection, whatever transport carries it.
 *
 * <p>Each connection gets its own thread for the callback: a virtual thread on Java 21 and
 * later, a platform thread from an unbounded pool on Java 17. The callback may therefore block
 * in {@link WtConnection#acceptStream()} and friends for as long as the connection lives.
 * On Java 17 every connection parked that way holds one platform thread (its stack is reserved
 * but mostly untouched; plan for a few hundred KiB of address space and one kernel thread per
 * connection). Returning from the callback does not close the connection; streams opened or
 * accepted keep working until {@link WtConnection#close(long, String)} or the peer ends it.
 * An exception thrown from the callback closes the connection with an application error.
 */
@FunctionalInterface
public interface OnConnect {

	/**
	 * Serve a newly established connection.
	 * @param connection the connection, ready for streams and datagrams
	 * @throws Exception any failure, which closes the connection with application error code 1
	 */
	void onConnect(WtConnection connection) throws Exception;

}
