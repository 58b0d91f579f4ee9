package dev.wtfallback.web.sse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Reads an event stream over the JDK's HTTP client without a thread of its own, parsing it
 * as a browser would. Every wait is bounded and reports what did arrive.
 */
final class SseTestClient implements AutoCloseable {

	static final Duration WAIT = Duration.ofSeconds(10);

	private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();

	private final List<SseEvent> received = new CopyOnWriteArrayList<>();

	private final List<String> comments = new CopyOnWriteArrayList<>();

	private final EventStreamParser parser = new EventStreamParser(this::dispatched, this.comments::add);

	private final CompletableFuture<HttpResponse.ResponseInfo> responseInfo = new CompletableFuture<>();

	private final CompletableFuture<Void> ended = new CompletableFuture<>();

	private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();

	private SseTestClient() {
	}

	static SseTestClient open(HttpClient http, URI uri) {
		return open(http, uri, Map.of());
	}

	static SseTestClient open(HttpClient http, URI uri, Map<String, String> headers) {
		SseTestClient client = new SseTestClient();
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
		headers.forEach(request::header);
		http.sendAsync(request.build(), client::subscriber).whenComplete((response, failure) -> {
			if (failure != null) {
				client.responseInfo.completeExceptionally(failure);
				client.ended.complete(null);
			}
		});
		return client;
	}

	private HttpResponse.BodySubscriber<Void> subscriber(HttpResponse.ResponseInfo info) {
		this.responseInfo.complete(info);
		return BodySubscribers.fromSubscriber(new Flow.Subscriber<List<ByteBuffer>>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				SseTestClient.this.subscription.complete(subscription);
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(List<ByteBuffer> buffers) {
				for (ByteBuffer buffer : buffers) {
					byte[] bytes = new byte[buffer.remaining()];
					buffer.get(bytes);
					SseTestClient.this.parser.feed(bytes);
				}
			}

			@Override
			public void onError(Throwable failure) {
				SseTestClient.this.ended.complete(null);
			}

			@Override
			public void onComplete() {
				SseTestClient.this.ended.complete(null);
			}

		});
	}

	private void dispatched(SseEvent event) {
		this.received.add(event);
		this.events.add(event);
	}

	HttpResponse.ResponseInfo response() {
		try {
			return this.responseInfo.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("No response headers within " + WAIT, ex);
		}
	}

	SseEvent next() {
		return next(WAIT);
	}

	SseEvent next(Duration timeout) {
		try {
			SseEvent event = this.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (event == null) {
				fail("No event within %s; received so far: %s; stream ended: %s", timeout, summary(),
						this.ended.isDone());
			}
			return event;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for an event", ex);
		}
	}

	SseEvent next(String type) {
		SseEvent event = next();
		if (!event.type().equals(type)) {
			fail("Expected a '%s' event but got %s; received so far: %s", type, describe(event), summary());
		}
		return event;
	}

	/**
	 * Skip events until one of the given type arrives.
	 */
	SseEvent skipTo(String type) {
		SseEvent event = next();
		while (!event.type().equals(type)) {
			event = next();
		}
		return event;
	}

	/**
	 * Wait for the {@code connected} event and return the client id in it.
	 */
	String awaitConnected() {
		String data = next("connected").data();
		return data.substring(data.indexOf(":\"") + 2, data.indexOf('"', data.indexOf(":\"") + 2));
	}

	void assertNoMoreEvents(Duration quietPeriod) {
		try {
			SseEvent event = this.events.poll(quietPeriod.toMillis(), TimeUnit.MILLISECONDS);
			if (event != null) {
				fail("Expected no further event but got %s; received so far: %s", describe(event), summary());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	void awaitEnd(Duration timeout) {
		try {
			this.ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("Stream did not end within " + timeout + "; received: " + summary(), ex);
		}
	}

	private String summary() {
		List<SseEvent> all = List.copyOf(this.received);
		List<String> described = all.stream().skip(Math.max(0, all.size() - 10)).map(SseTestClient::describe).toList();
		return all.size() + " events, the last ones " + described;
	}

	private static String describe(SseEvent event) {
		String data = (event.data().length() > 40)
				? event.data().substring(0, 40) + "...(" + event.data().length() + " chars)" : event.data();
		return event.type() + "#" + event.lastEventId() + "[" + data + "]";
	}

	boolean hasEnded() {
		return this.ended.isDone();
	}

	List<SseEvent> received() {
		return List.copyOf(this.received);
	}

	List<String> comments() {
		return List.copyOf(this.comments);
	}

	String lastEventId() {
		return this.parser.lastEventId();
	}

	long retry() {
		return this.parser.retry();
	}

	@Override
	public void close() {
		this.subscription.thenAccept(Flow.Subscription::cancel);
	}

}
