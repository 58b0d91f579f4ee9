package dev.wtfallback.web.sse;

import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogMessage;
import org.springframework.util.Assert;

import dev.wtfallback.core.FallbackListener;
import dev.wtfallback.web.sse.SseReplayBuffer.Recipient;

/**
 * Hub of Server-Sent Events clients: accepts streams, sends events to all, one or a
 * principal's clients, and replays what reconnecting clients missed.
 *
 * <h2>Data encoding</h2>
 * A {@link CharSequence} is sent as its text, a {@code byte[]} as standard base64 (RFC 4648,
 * with padding), anything else (including {@code null}) as the text of the
 * {@link SseDataEncoder}, JSON with Jackson. Text with line breaks becomes several
 * {@code data:} lines, which the browser joins with {@code \n}; everything is UTF-8. Event
 * names containing CR or LF are rejected with {@link IllegalArgumentException}.
 *
 * <h2>Event ids and replay</h2>
 * Every event carries {@code id: <clientId>:<position>}, where the position is a hub-wide
 * sequence that grows by one per published event. The hub keeps recent events (bounded by
 * count and age). A browser reconnects with the last id it saw in {@code Last-Event-ID}; the
 * hub then resumes that client id, provided it is open or left less than the replay age ago
 * (and was not {@link #close(String) closed}), and the request has the same principal. The
 * resumed stream starts with {@code connected} and then receives, in order and once each, the
 * broadcasts, its own events and its principal's events it missed. If the buffer no longer
 * covers the gap, or the identity cannot be resumed, the stream gets {@code connected} (with
 * a new id in the second case) followed by a {@code replay-gap} event and goes on with live
 * events; the application should then reload its state.
 *
 * <h2>Slow clients</h2>
 * Events are encoded once on the calling thread and queued per client; the caller never
 * writes and never waits for a client. Each stream is a Spring MVC {@code SseEmitter}, whose
 * sends block while the client does not read, so each client's queue is written by its own
 * drain task on the drain executor: virtual threads from Java 24 on, before that an unbounded
 * pool of daemon threads (see {@link SseDrainExecutors}). A client stuck in a write therefore
 * holds one thread and never delays other clients. A queue holds at most the configured
 * number of events and bytes; an event that does not fit is handled by the
 * {@link SseOverflowPolicy} and counted. A client disconnected for overflow leaves the hub at
 * once, but a write in progress cannot be interrupted: the response ends, and the thread is
 * released, when the client reads or goes away or when the container's write timeout fails
 * the write. On Tomcat that timeout is the connection timeout
 * ({@code server.tomcat.connection-timeout}, 60 seconds unless set), and graceful shutdown
 * waits for such a response too.
 *
 * <h2>Threading</h2>
 * All public methods may be called from any thread. {@code lock} guards the position
 * counter, the replay buffer, the remembered identities of departed clients and the order in
 * which events enter client queues, so every client sees positions in increasing order. The
 * map of open clients is read without the lock. Listeners are called without the lock. The
 * container thread that opens a stream writes its opening events, at most a few kilobytes,
 * and drain threads write everything else; other container threads only complete a response
 * that timed out.
 *
 * <h2>Lifecycle</h2>
 * Accepts streams from construction. {@link #start()} starts heartbeats; {@link #stop()}
 * sends every client a final {@code shutdown} event, removes every client within the
 * shutdown timeout and cannot be undone. Streams are completed then too, except those stuck
 * in a write, which end when the write returns. The hub stops in the latest lifecycle phase,
 * before the web server's graceful shutdown waits for open requests.
 */
public final class SseHub implements SmartLifecycle, AutoCloseable {

	private static final Log logger = LogFactory.getLog(SseHub.class);

	private static final SecureRandom random = new SecureRandom();

	/**
	 * Maximum number of departed client identities remembered for resumption.
	 */
	private static final int MAX_DEPARTED = 10_000;

	private final SseHubSettings settings;

	private final SseDataEncoder dataEncoder;

	private final Iterable<? extends SseHubListener> listeners;

	private final Executor drainExecutor;

	private final @Nullable ExecutorService ownedExecutor;

	private final LongSupplier nanoClock;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition emptied = this.lock.newCondition();

	private final Map<String, SseClient> clients = new ConcurrentHashMap<>();

	private final LinkedHashMap<String, Departed> departed = new LinkedHashMap<>();

	private final SseReplayBuffer replay;

	private long position;

	private final AtomicLong overflows = new AtomicLong();

	private final AtomicLong droppedEvents = new AtomicLong();

	private final AtomicBoolean overflowWarned = new AtomicBoolean();

	private final AtomicBoolean shutDown = new AtomicBoolean();

	private volatile boolean accepting = true;

	private volatile boolean running;

	private volatile @Nullable ScheduledExecutorService heartbeats;

	private volatile FallbackListener events = FallbackListener.NONE;

	/**
	 * Create a hub with its own drain threads.
	 * @param settings the limits and intervals
	 * @param dataEncoder the encoder for data that is neither text nor bytes
	 * @param listeners the join and leave listeners; iterated on every notification, so a
	 * lazily resolving {@code Iterable} works
	 */
	public SseHub(SseHubSettings settings, SseDataEncoder dataEncoder, Iterable<? extends SseHubListener> listeners) {
		this(settings, dataEncoder, listeners, SseDrainExecutors.create(), System::nanoTime);
	}

	SseHub(SseHubSettings settings, SseDataEncoder dataEncoder, Iterable<? extends SseHubListener> listeners,
			Executor drainExecutor, LongSupplier nanoClock) {
		this.settings = settings;
		this.dataEncoder = dataEncoder;
		this.listeners = listeners;
		this.drainExecutor = drainExecutor;
		this.ownedExecutor = (drainExecutor instanceof ExecutorService service) ? service : null;
		this.nanoClock = nanoClock;
		this.replay = new SseReplayBuffer(settings.replayMaxEvents(), settings.replayMaxAge(), nanoClock);
	}

	/**
	 * Set the listener that the hub reports clients, events, replay gaps and posted messages
	 * to, for metrics. Call before the hub takes streams.
	 * @param listener the listener, called under the hub's lock; see its contract
	 */
	public void setFallbackListener(FallbackListener listener) {
		this.events = Objects.requireNonNull(listener, "listener");
	}

	FallbackListener events() {
		return this.events;
	}

	// Publishing

	/**
	 * Send an event to every open client.
	 * @param event the event name, {@code null} for the default {@code message} type
	 * @param data the data, encoded as described in the class comment
	 * @return the number of clients the event was queued for
	 * @throws IllegalArgumentException if the name contains CR or LF or the data cannot be
	 * encoded
	 */
	public int broadcast(@Nullable String event, @Nullable Object data) {
		return publish(Recipient.EVERYONE, encode(event, data));
	}

	/**
	 * Send an event to one open client. A client that disconnects while the event is queued
	 * gets it replayed when it resumes.
	 * @param clientId the client's id
	 * @param event the event name, {@code null} for the default {@code message} type
	 * @param data the data, encoded as described in the class comment
	 * @throws UnknownClientException if no open client has this id
	 * @throws IllegalArgumentException if the name contains CR or LF or the data cannot be
	 * encoded
	 */
	public void send(String clientId, @Nullable String event, @Nullable Object data) {
		Assert.notNull(clientId, "clientId must not be null");
		byte[] body = encode(event, data);
		List<SseClient> overflowed = new ArrayList<>(1);
		this.lock.lock();
		try {
			SseClient client = this.clients.get(clientId);
			if (client == null || !client.isOpen()) {
				throw new UnknownClientException(clientId);
			}
			long position = ++this.position;
			this.replay.append(position, Recipient.client(clientId), body);
			deliver(client, new SseFrame(position, body, true), overflowed);
		}
		finally {
			this.lock.unlock();
		}
		disconnected(overflowed);
	}

	/**
	 * Send an event to every open client whose stream was opened by the given principal.
	 * @param principalName the principal's name
	 * @param event the event name, {@code null} for the default {@code message} type
	 * @param data the data, encoded as described in the class comment
	 * @return the number of clients the event was queued for, possibly zero
	 * @throws IllegalArgumentException if the name contains CR or LF or the data cannot be
	 * encoded
	 */
	public int sendToPrincipal(String principalName, @Nullable String event, @Nullable Object data) {
		Assert.notNull(principalName, "principalName must not be null");
		return publish(Recipient.principal(principalName), encode(event, data));
	}

	/**
	 * Close a client for good: queued events are still written, then the stream ends. A
	 * reconnect that carries the client's last event id is answered with 204 No Content, which
	 * stops an {@code EventSource} from reconnecting.
	 * @param clientId the client's id
	 * @return {@code true} if an open or resumable client had this id
	 */
	public boolean close(String clientId) {
		SseClient client;
		this.lock.lock();
		try {
			expireDeparted();
			client = this.clients.get(clientId);
			Departed gone = this.departed.get(clientId);
			if (client == null && gone == null) {
				return false;
			}
			remember(clientId, (client != null) ? client.principalName() : gone.principalName(), true);
		}
		finally {
			this.lock.unlock();
		}
		if (client != null) {
			client.close(SseCloseReason.CLOSED);
		}
		return true;
	}

	/**
	 * Return the number of connected clients.
	 * @return the count
	 */
	public int count() {
		return this.clients.size();
	}

	/**
	 * Return a connected client.
	 * @param clientId the client's id
	 * @return the client, or empty if none has this id
	 */
	public Optional<SseClient> client(String clientId) {
		return Optional.ofNullable(this.clients.get(clientId));
	}

	/**
	 * Return a snapshot of the connected clients.
	 * @return the clients
	 */
	public List<SseClient> clients() {
		return List.copyOf(this.clients.values());
	}

	/**
	 * Return how many clients were disconnected because their queue overflowed.
	 * @return the count since the hub was created
	 */
	public long overflowCount() {
		return this.overflows.get();
	}

	/**
	 * Return how many events were dropped for a client under
	 * {@link SseOverflowPolicy#DROP_EVENT}.
	 * @return the count since the hub was created
	 */
	public long droppedEventCount() {
		return this.droppedEvents.get();
	}

	/**
	 * Return the hub's settings.
	 * @return the settings
	 */
	public SseHubSettings settings() {
		return this.settings;
	}

	private byte[] encode(@Nullable String event, @Nullable Object data) {
		SseEventEncoder.validateEventName(event);
		return SseEventEncoder.encode(event, text(data));
	}

	private String text(@Nullable Object data) {
		if (data instanceof CharSequence text) {
			return text.toString();
		}
		if (data instanceof byte[] bytes) {
			return Base64.getEncoder().encodeToString(bytes);
		}
		return this.dataEncoder.encode(data);
	}

	private int publish(Recipient recipient, byte[] body) {
		int queued = 0;
		List<SseClient> overflowed = new ArrayList<>(0);
		this.lock.lock();
		try {
			long position = ++this.position;
			this.replay.append(position, recipient, body);
			SseFrame frame = new SseFrame(position, body, true);
			for (SseClient client : this.clients.values()) {
				if (recipient.matches(client.id(), client.principalName()) && deliver(client, frame, overflowed)) {
					queued++;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		disconnected(overflowed);
		return queued;
	}

	/**
	 * Queue a frame for a client, applying the overflow policy if it does not fit. A client
	 * that must be disconnected is closed here, under the lock, so that it never receives a
	 * later event after missing this one; it leaves the hub in {@link #disconnected(List)}.
	 */
	private boolean deliver(SseClient client, SseFrame frame, List<SseClient> overflowed) {
		SseClient.Offer offer = client.offer(frame);
		if (offer == SseClient.Offer.FULL) {
			if (this.settings.overflowPolicy() == SseOverflowPolicy.DROP_EVENT) {
				this.droppedEvents.incrementAndGet();
				this.events.sseEventDropped();
				logger.debug(LogMessage.format("%sQueue full, event dropped", client.logPrefix()));
			}
			else if (client.abort(SseCloseReason.OVERFLOW) != null) {
				overflowed.add(client);
			}
		}
		if (offer == SseClient.Offer.QUEUED) {
			this.events.sseEventSent(false);
		}
		return offer == SseClient.Offer.QUEUED;
	}

	/**
	 * Count and remove clients whose queue overflowed, outside the lock.
	 */
	private void disconnected(List<SseClient> overflowed) {
		for (SseClient client : overflowed) {
			this.overflows.incrementAndGet();
			warnOverflow(client);
			removed(client, SseCloseReason.OVERFLOW);
		}
	}

	private void warnOverflow(SseClient client) {
		if (this.overflowWarned.compareAndSet(false, true)) {
			logger.warn(LogMessage.format("%sQueue full (%d events or %d bytes), disconnecting; further overflows "
					+ "are logged at DEBUG. Raise fallback.sse.client-queue.max-events or max-bytes if clients are "
					+ "merely slow", client.logPrefix(), this.settings.queueMaxEvents(),
					this.settings.queueMaxBytes()));
		}
		else {
			logger.debug(LogMessage.format("%sQueue full, disconnecting", client.logPrefix()));
		}
	}

	// Connecting and leaving

	boolean isAccepting() {
		return this.accepting;
	}

	/**
	 * Whether a {@code Last-Event-ID} belongs to a client that was {@link #close(String) closed}.
	 */
	boolean isRevoked(@Nullable String lastEventId) {
		SseEventId id = SseEventId.parse(lastEventId);
		if (id == null) {
			return false;
		}
		this.lock.lock();
		try {
			expireDeparted();
			Departed gone = this.departed.get(id.clientId());
			return gone != null && gone.revoked() && !this.clients.containsKey(id.clientId());
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Whether a client with this id left recently, so a message for it is late rather than
	 * misaddressed.
	 */
	boolean hasDeparted(String clientId) {
		this.lock.lock();
		try {
			expireDeparted();
			return this.departed.containsKey(clientId);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Accept a stream, resuming the identity in {@code lastEventId} where allowed, and queue
	 * its opening events. The caller then starts the transport.
	 */
	SseClient connect(SseTransport transport, @Nullable Principal principal, @Nullable String lastEventId) {
		String principalName = (principal != null) ? principal.getName() : null;
		SseEventId resumeFrom = SseEventId.parse(lastEventId);
		SseClient client;
		SseClient replaced;
		this.lock.lock();
		try {
			boolean resumed = resumeFrom != null && isResumable(resumeFrom.clientId(), principalName);
			String id = resumed ? resumeFrom.clientId() : newClientId();
			client = new SseClient(this, id, principal, resumed, transport, this.drainExecutor, this.settings);
			replaced = this.clients.put(id, client);
			this.departed.remove(id);
			queueOpening(client, resumed ? resumeFrom : null, lastEventId);
		}
		finally {
			this.lock.unlock();
		}
		SseCloseReason replacedReason = (replaced != null) ? replaced.abort(SseCloseReason.REPLACED) : null;
		if (replacedReason != null) {
			removed(replaced, replacedReason);
		}
		logger.debug(LogMessage.format("%sJoined (resumed: %s, last event id: %s)", client.logPrefix(),
				client.isResumed(), lastEventId));
		notifyJoin(client);
		if (!this.accepting) {
			client.close(SseCloseReason.SHUTDOWN);
		}
		return client;
	}

	private boolean isResumable(String clientId, @Nullable String principalName) {
		SseClient open = this.clients.get(clientId);
		if (open != null) {
			return Objects.equals(open.principalName(), principalName);
		}
		expireDeparted();
		Departed gone = this.departed.get(clientId);
		return gone != null && !gone.revoked() && Objects.equals(gone.principalName(), principalName);
	}

	private String newClientId() {
		byte[] bytes = new byte[16];
		String id;
		do {
			random.nextBytes(bytes);
			id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		}
		while (this.clients.containsKey(id) || this.departed.containsKey(id));
		return id;
	}

	private void queueOpening(SseClient client, @Nullable SseEventId resumeFrom, @Nullable String lastEventId) {
		String connected = client.isResumed()
				? "{\"id\":\"" + client.id() + "\",\"resumed\":true}" : "{\"id\":\"" + client.id() + "\"}";
		if (resumeFrom != null) {
			List<SseReplayBuffer.Entry> missed = this.replay.after(resumeFrom.position(), this.position, client.id(),
					client.principalName());
			if (missed != null) {
				client.offerUncounted(connectedFrame(resumeFrom.position(), connected));
				for (SseReplayBuffer.Entry entry : missed) {
					client.offerUncounted(new SseFrame(entry.position(), entry.body(), false));
					this.events.sseEventSent(true);
				}
				return;
			}
		}
		client.offerUncounted(connectedFrame(this.position, connected));
		if (lastEventId != null && !lastEventId.isEmpty()) {
			String echoed = (lastEventId.length() > 100) ? lastEventId.substring(0, 100) : lastEventId;
			byte[] gap = SseEventEncoder.encode("replay-gap", SseJson.object("lastEventId", echoed));
			client.offerUncounted(new SseFrame(this.position, gap, false));
			this.events.sseReplayGap();
		}
	}

	private SseFrame connectedFrame(long position, String data) {
		return new SseFrame(position, SseEventEncoder.encode(this.settings.retry(), "connected", data), false);
	}

	/**
	 * Called once per client by whichever thread saw its stream end.
	 */
	void removed(SseClient client, SseCloseReason reason) {
		this.lock.lock();
		try {
			if (this.clients.remove(client.id(), client) && reason.isResumable()) {
				remember(client.id(), client.principalName(), false);
			}
			if (this.clients.isEmpty()) {
				this.emptied.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
		logger.debug(LogMessage.format("%sLeft (%s)", client.logPrefix(), reason));
		notifyLeave(client, reason);
	}

	private void remember(String clientId, @Nullable String principalName, boolean revoked) {
		this.departed.remove(clientId);
		this.departed.put(clientId, new Departed(principalName, this.nanoClock.getAsLong(), revoked));
		Iterator<Departed> eldest = this.departed.values().iterator();
		while (this.departed.size() > MAX_DEPARTED) {
			eldest.next();
			eldest.remove();
		}
	}

	private void expireDeparted() {
		long now = this.nanoClock.getAsLong();
		long maxAge = this.settings.replayMaxAge().toNanos();
		Iterator<Departed> iterator = this.departed.values().iterator();
		while (iterator.hasNext() && now - iterator.next().departedNanos() >= maxAge) {
			iterator.remove();
		}
	}

	private void notifyJoin(SseClient client) {
		this.events.sseClientJoined();
		for (SseHubListener listener : this.listeners) {
			try {
				listener.onJoin(client);
			}
			catch (RuntimeException ex) {
				logger.warn(LogMessage.format("%sListener %s failed on join", client.logPrefix(), listener), ex);
			}
		}
	}

	private void notifyLeave(SseClient client, SseCloseReason reason) {
		this.events.sseClientLeft();
		if (reason == SseCloseReason.OVERFLOW) {
			this.events.sseSlowClientDisconnected();
		}
		for (SseHubListener listener : this.listeners) {
			try {
				listener.onLeave(client, reason);
			}
			catch (RuntimeException ex) {
				logger.warn(LogMessage.format("%sListener %s failed on leave", client.logPrefix(), listener), ex);
			}
		}
	}

	// Heartbeats and lifecycle

	@Override
	public void start() {
		if (this.running || this.shutDown.get()) {
			return;
		}
		this.running = true;
		Duration interval = this.settings.heartbeatInterval();
		if (!interval.isZero()) {
			ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
					daemonThread("sse-hub-heartbeat"));
			long millis = Math.max(1, interval.toMillis());
			scheduler.scheduleWithFixedDelay(this::heartbeat, millis, millis, TimeUnit.MILLISECONDS);
			this.heartbeats = scheduler;
		}
	}

	private void heartbeat() {
		this.clients.values().forEach(SseClient::heartbeat);
	}

	@Override
	public void stop() {
		shutdown();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Shut the hub down, as {@link #stop()} does.
	 */
	@Override
	public void close() {
		shutdown();
	}

	private void shutdown() {
		if (!this.shutDown.compareAndSet(false, true)) {
			return;
		}
		this.running = false;
		this.accepting = false;
		ScheduledExecutorService scheduler = this.heartbeats;
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
		int notified = closeGracefully();
		int forced = closeForcibly();
		if (this.ownedExecutor != null) {
			this.ownedExecutor.shutdown();
		}
		if (notified > 0) {
			logger.info(LogMessage.format("SSE hub stopped: %d clients sent the shutdown event, %d cut off", notified,
					forced));
		}
	}

	private int closeGracefully() {
		byte[] body = SseEventEncoder.encode("shutdown", "{\"reconnect\":true}");
		this.lock.lock();
		try {
			List<SseClient> open = new ArrayList<>(this.clients.values());
			for (SseClient client : open) {
				client.offerUncounted(new SseFrame(this.position, body, false));
				client.close(SseCloseReason.SHUTDOWN);
			}
			long nanos = this.settings.shutdownTimeout().toNanos();
			while (!this.clients.isEmpty() && nanos > 0) {
				nanos = this.emptied.awaitNanos(nanos);
			}
			return open.size();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Close the clients that did not finish in time. Their responses end when their drains
	 * are free, which for a client stuck in a write is when that write returns.
	 */
	private int closeForcibly() {
		int forced = 0;
		for (SseClient client : this.clients.values()) {
			SseCloseReason reason = client.abort(SseCloseReason.SHUTDOWN);
			if (reason != null) {
				removed(client, reason);
				forced++;
			}
		}
		return forced;
	}

	private static ThreadFactory daemonThread(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * A client that left and may resume, or was closed and may not.
	 */
	private record Departed(@Nullable String principalName, long departedNanos, boolean revoked) {
	}

}
