package dev.wtfallback.web.sse;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.log.LogMessage;

/**
 * {@link SseTransport} over an asynchronous servlet response in non-blocking write mode.
 *
 * <p>A container recycles request and response objects once a request has ended, so this
 * class must never touch the response after the container reported completion, an error or
 * a timeout. {@code lock} guards {@code usable} and every use of the response: the drain
 * holds it for one non-blocking write at a time, and the container callbacks take it to mark
 * the response unusable (completing it themselves on error and timeout, which is valid on the
 * container's thread). Callbacks wait for the lock at most one second, so they can never hang
 * a container thread. Callbacks are then handed to the client without the lock.
 */
final class ServletSseTransport implements SseTransport, WriteListener, AsyncListener {

	private static final Log logger = LogFactory.getLog(SseClient.DISCONNECTED_CLIENT_LOG_CATEGORY);

	private final AsyncContext asyncContext;

	private final ServletOutputStream output;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile boolean usable = true;

	private volatile SseClient client;

	ServletSseTransport(AsyncContext asyncContext, ServletOutputStream output) {
		this.asyncContext = asyncContext;
		this.output = output;
	}

	@Override
	public void start(SseClient client) {
		this.client = client;
		this.asyncContext.addListener(this);
		this.output.setWriteListener(this);
	}

	@Override
	public boolean isReady() {
		this.lock.lock();
		try {
			if (!this.usable) {
				throw new IllegalStateException("Response already ended");
			}
			return this.output.isReady();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void write(byte[] bytes) throws IOException {
		this.lock.lock();
		try {
			checkUsable();
			this.output.write(bytes);
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void flush() throws IOException {
		this.lock.lock();
		try {
			checkUsable();
			this.output.flush();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void checkUsable() throws IOException {
		if (!this.usable) {
			throw new IOException("Response already ended");
		}
	}

	@Override
	public void complete() {
		this.lock.lock();
		try {
			if (this.usable) {
				this.usable = false;
				this.asyncContext.complete();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void onWritePossible() {
		this.client.writePossible();
	}

	@Override
	public void onError(Throwable failure) {
		end(true);
		this.client.transportFailed(failure);
	}

	@Override
	public void onComplete(AsyncEvent event) {
		end(false);
		this.client.transportCompleted();
	}

	@Override
	public void onTimeout(AsyncEvent event) {
		end(true);
		this.client.transportTimedOut();
	}

	@Override
	public void onError(AsyncEvent event) {
		end(true);
		this.client.transportFailed(event.getThrowable());
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
	}

	private void end(boolean complete) {
		boolean locked = false;
		try {
			locked = this.lock.tryLock(1, TimeUnit.SECONDS);
			if (this.usable) {
				this.usable = false;
				if (complete) {
					this.asyncContext.complete();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.debug(LogMessage.format("Response could not be completed: %s", ex));
		}
		finally {
			if (locked) {
				this.lock.unlock();
			}
		}
	}

}
