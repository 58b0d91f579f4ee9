package dev.wtfallback.web.sse;

import java.io.IOException;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

/**
 * {@link SseTransport} over an asynchronous servlet response in non-blocking write mode.
 *
 * <p>Container callbacks (write possible, errors, completion, timeout) arrive on container
 * threads and are handed to the client.
 */
final class ServletSseTransport implements SseTransport, WriteListener, AsyncListener {

	private final AsyncContext asyncContext;

	private final ServletOutputStream output;

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
		return this.output.isReady();
	}

	@Override
	public void write(byte[] bytes) throws IOException {
		this.output.write(bytes);
	}

	@Override
	public void flush() throws IOException {
		this.output.flush();
	}

	@Override
	public void complete() {
		this.asyncContext.complete();
	}

	@Override
	public void onWritePossible() {
		this.client.writePossible();
	}

	@Override
	public void onError(Throwable failure) {
		this.client.transportFailed(failure);
	}

	@Override
	public void onComplete(AsyncEvent event) {
		this.client.transportCompleted();
	}

	@Override
	public void onTimeout(AsyncEvent event) {
		this.client.transportTimedOut();
	}

	@Override
	public void onError(AsyncEvent event) {
		this.client.transportFailed(event.getThrowable());
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
	}

}
