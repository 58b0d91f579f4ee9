package dev.wtfallback.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

/**
 * Reads the lines of an event stream over the JDK's HTTP client, without a thread of its own,
 * and completes futures when the first event arrives and when the stream ends.
 */
public final class EventStreamLines {

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private final CompletableFuture<Void> ended = new CompletableFuture<>();

	private final CompletableFuture<Integer> status = new CompletableFuture<>();

	private volatile Flow.Subscription subscription;

	private EventStreamLines() {
	}

	/**
	 * Open an event stream.
	 * @param http the client
	 * @param uri the stream's address, on loopback
	 * @param headers more request headers
	 * @return the reader
	 */
	public static EventStreamLines open(HttpClient http, URI uri, Map<String, String> headers) {
		EventStreamLines reader = new EventStreamLines();
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
		headers.forEach(request::header);
		http.sendAsync(request.build(), reader::handle).whenComplete((response, failure) -> {
			if (failure != null) {
				reader.status.completeExceptionally(failure);
				reader.connected.completeExceptionally(failure);
				reader.ended.complete(null);
			}
		});
		return reader;
	}

	private HttpResponse.BodySubscriber<Void> handle(HttpResponse.ResponseInfo info) {
		this.status.complete(info.statusCode());
		return BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				EventStreamLines.this.subscription = subscription;
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(String line) {
				EventStreamLines.this.lines.add(line);
				if (line.equals("event: connected") || line.equals("event:connected")) {
					EventStreamLines.this.connected.complete(null);
				}
			}

			@Override
			public void onError(Throwable throwable) {
				EventStreamLines.this.ended.complete(null);
			}

			@Override
			public void onComplete() {
				EventStreamLines.this.ended.complete(null);
			}

		}).apply(info);
	}

	/**
	 * Return the response status, once the head arrived.
	 * @return the future status
	 */
	public CompletableFuture<Integer> status() {
		return this.status;
	}

	/**
	 * Return a future completed when the {@code connected} event arrived.
	 * @return the future
	 */
	public CompletableFuture<Void> connected() {
		return this.connected;
	}

	/**
	 * Return a future completed when the stream ended, however it ended.
	 * @return the future
	 */
	public CompletableFuture<Void> ended() {
		return this.ended;
	}

	/**
	 * Return whether an event of a name arrived.
	 * @param name the event name
	 * @return whether its {@code event:} line arrived
	 */
	public boolean sawEvent(String name) {
		return this.lines.contains("event: " + name) || this.lines.contains("event:" + name);
	}

	/**
	 * Return the lines received so far.
	 * @return a snapshot
	 */
	public List<String> lines() {
		return List.copyOf(this.lines);
	}

	/**
	 * Stop reading; the connection is closed.
	 */
	public void cancel() {
		Flow.Subscription current = this.subscription;
		if (current != null) {
			current.cancel();
		}
	}

}
