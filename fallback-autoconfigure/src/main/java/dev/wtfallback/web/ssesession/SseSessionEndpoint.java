package dev.wtfallback.web.ssesession;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.wtfallback.core.OnConnect;
import dev.wtfallback.core.SkippedTransport;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.qmux.QmuxRuntime;
import dev.wtfallback.core.qmux.QmuxSettings;
import dev.wtfallback.core.qmux.SessionContext;
import dev.wtfallback.core.qmux.Subprotocols;
import dev.wtfallback.core.qmux.Subprotocols.NegotiatedProtocol;
import dev.wtfallback.web.server.FallbackSessionRegistry;
import dev.wtfallback.web.server.FallbackSessionRegistry.Registration;
import dev.wtfallback.web.server.HandshakeRefusal;
import dev.wtfallback.web.server.HandshakeRefusedException;
import dev.wtfallback.web.server.OriginPolicy;
import dev.wtfallback.web.server.SessionAdmission;
import dev.wtfallback.web.server.SessionAdmission.Admission;
import dev.wtfallback.web.server.SessionDrainer;
import dev.wtfallback.web.server.SessionLimiter.Permit;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Serves QMux sessions over Server-Sent Events and POST: {@code GET {path}} opens a session
 * and streams the server's records as events, {@code POST {path}/{sessionId}} delivers the
 * client's records. The wire protocol is specified in {@code docs/sse-session-protocol.md}.
 *
 * <p>Each session reaches the same {@link OnConnect} handler as a WebSocket session, with
 * {@link Transport#SSE} as its transport, under the same {@link QmuxSettings}. A session lives
 * on the node that holds its event stream; see {@link SseSessionRegistry} for what that means
 * behind a load balancer. When the event stream ends the session ends: there is no resumption.
 *
 * <p>{@link #registerWith} maps both methods in Spring MVC's
 * {@link RequestMappingHandlerMapping}, so they run with the application's filters, security
 * and CORS rules. Clients that go away are logged at DEBUG under
 * {@value #DISCONNECT_LOG_CATEGORY}. Thread-safe: requests for different sessions run in
 * parallel, and POSTs for one session are applied one at a time.
 */
public class SseSessionEndpoint {

	/**
	 * Log category for ended streams and failed writes caused by clients going away; the
	 * category every transport and the session engine share.
	 */
	public static final String DISCONNECT_LOG_CATEGORY = WtConnection.DISCONNECT_LOG_CATEGORY;

	/** Request header with the sequence number of a POST: 0, 1, 2 and so on per session. */
	public static final String SEQUENCE_HEADER = "QMux-Sequence";

	/** Response header set to {@code true} on a POST whose sequence number was applied before. */
	public static final String DUPLICATE_HEADER = "QMux-Duplicate";

	/** Response header with the sequence number the server expects, on a 409 answer. */
	public static final String EXPECTED_SEQUENCE_HEADER = "QMux-Expected-Sequence";

	/** Session attribute that holds the client's {@code fallback-reason}, when it gave one. */
	public static final String FALLBACK_REASON_ATTRIBUTE = SkippedTransport.ATTRIBUTE;

	private static final Log logger = LogFactory.getLog(SseSessionEndpoint.class);

	private static final Pattern REASON = Pattern.compile("[A-Za-z0-9._,-]{1,128}");

	private static final Pattern SEQUENCE = Pattern.compile("[0-9]{1,18}");

	private static final MediaType EVENT_STREAM = new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8);

	private final SseSessionOptions options;

	private final QmuxSettings settings;

	private final QmuxRuntime runtime;

	private final OnConnect onConnect;

	private final SseSessionRegistry registry;

	private final OriginPolicy originPolicy;

	private final @Nullable SessionAdmission admission;

	/**
	 * Create an endpoint that admits same-origin requests only, without limits.
	 * @param options the path, negotiation, heartbeat and POST size limit
	 * @param settings the QMux limits to advertise and enforce on every session
	 * @param runtime the threads that run the sessions; closing it is up to the caller
	 * @param onConnect the application handler, called once per session on its own thread
	 * @param registry where the open sessions are kept
	 */
	public SseSessionEndpoint(SseSessionOptions options, QmuxSettings settings, QmuxRuntime runtime,
			OnConnect onConnect, SseSessionRegistry registry) {
		this(options, settings, runtime, onConnect, registry, null);
	}

	/**
	 * Create an endpoint.
	 * @param options the path, negotiation, heartbeat and POST size limit
	 * @param settings the QMux limits to advertise and enforce on every session
	 * @param runtime the threads that run the sessions; closing it is up to the caller
	 * @param onConnect the application handler, called once per session on its own thread
	 * @param registry where the open sessions are kept
	 * @param admission the admission whose shutdown state, origin policy, authentication and
	 * session limits apply, and whose registry each session joins for the graceful shutdown;
	 * or {@code null} to admit same-origin requests without limits
	 */
	public SseSessionEndpoint(SseSessionOptions options, QmuxSettings settings, QmuxRuntime runtime,
			OnConnect onConnect, SseSessionRegistry registry, @Nullable SessionAdmission admission) {
		Assert.notNull(options, "'options' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(runtime, "'runtime' must not be null");
		Assert.notNull(onConnect, "'onConnect' must not be null");
		Assert.notNull(registry, "'registry' must not be null");
		this.options = options;
		this.settings = settings;
		this.runtime = runtime;
		this.onConnect = onConnect;
		this.registry = registry;
		this.admission = admission;
		this.originPolicy = (admission != null) ? admission.getOriginPolicy() : OriginPolicy.sameOrigin();
	}

	/**
	 * Return the path of the event stream; POSTs go below it.
	 * @return the path, without the servlet context path
	 */
	public String getPath() {
		return this.options.path();
	}

	/**
	 * Return the subprotocol tokens this endpoint accepts, best first.
	 * @return the accepted tokens
	 */
	public List<String> getSupportedProtocols() {
		return Subprotocols.supported(this.options.applicationProtocols(), this.options.requireProtocol());
	}

	/**
	 * Return the CORS rules that let browsers on the configured origins use this endpoint.
	 * @return the rules, or {@code null} when only the server's own origin is admitted
	 */
	public @Nullable CorsConfiguration getCorsConfiguration() {
		CorsConfiguration cors = this.originPolicy
			.corsConfiguration(List.of(HttpHeaders.CONTENT_TYPE, SEQUENCE_HEADER));
		if (cors != null) {
			cors.setExposedHeaders(List.of(DUPLICATE_HEADER, EXPECTED_SEQUENCE_HEADER));
			cors.setMaxAge(3600L);
		}
		return cors;
	}

	/**
	 * Map {@code GET {path}} and {@code POST {path}/{sessionId}} to this endpoint. Call once,
	 * before the server takes requests.
	 * @param mapping Spring MVC's mapping of annotated controllers
	 */
	public void registerWith(RequestMappingHandlerMapping mapping) {
		String path = this.options.path();
		mapping.registerMapping(RequestMappingInfo.paths(path)
			.methods(RequestMethod.GET)
			.options(mapping.getBuilderConfiguration())
			.build(), this, method("open", HttpServletRequest.class, HttpServletResponse.class));
		mapping.registerMapping(RequestMappingInfo.paths(path + "/{sessionId}")
			.methods(RequestMethod.POST)
			.options(mapping.getBuilderConfiguration())
			.build(), this, method("post", HttpServletRequest.class, HttpServletResponse.class, String.class));
	}

	private static Method method(String name, Class<?>... parameterTypes) {
		Method method = ReflectionUtils.findMethod(SseSessionEndpoint.class, name, parameterTypes);
		Assert.state(method != null, () -> "No method " + name);
		return method;
	}

	/**
	 * Open a session: negotiate the subprotocol, start the engine and return its event stream,
	 * whose first event names the session; or refuse with a plain-text answer.
	 * @param request the {@code GET} request
	 * @param response the response, written directly when the request is refused
	 * @return the event stream, or {@code null} when the request was refused
	 * @throws IOException if a refusal could not be written
	 */
	public ResponseEntity<SseEmitter> open(HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		if (this.admission != null) {
			return admitted(request, response);
		}
		if (!this.registry.isRunning()) {
			refuse(response, HttpStatus.SERVICE_UNAVAILABLE, "The server is shutting down.");
			return null;
		}
		if (request.getHeader("Last-Event-ID") != null) {
			// An EventSource reconnecting on its own; 204 tells it to stop, as streams cannot resume.
			response.setStatus(HttpStatus.NO_CONTENT.value());
			return null;
		}
		if (!allowsOrigin(request)) {
			refuse(response, HttpStatus.FORBIDDEN, "Origin " + request.getHeader(HttpHeaders.ORIGIN)
					+ " is not allowed to open sessions.");
			return null;
		}
		Optional<NegotiatedProtocol> protocol = negotiate(request);
		if (protocol.isEmpty()) {
			refuseProtocols(request, response);
			return null;
		}
		return start(request, protocol.get(), request.getUserPrincipal(), null);
	}

	private ResponseEntity<SseEmitter> admitted(HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		ServletServerHttpRequest handshake = new ServletServerHttpRequest(request);
		try {
			this.admission.checkOpen(handshake);
			if (!this.registry.isRunning()) {
				throw new HandshakeRefusedException(HandshakeRefusal.SHUTDOWN, "The server is shutting down.");
			}
			if (request.getHeader("Last-Event-ID") != null) {
				response.setStatus(HttpStatus.NO_CONTENT.value());
				return null;
			}
			NegotiatedProtocol protocol = negotiate(request).orElseThrow(() -> new HandshakeRefusedException(
					HandshakeRefusal.SUBPROTOCOL, "No acceptable subprotocol offered in '"
							+ request.getParameter("protocols") + "'. This endpoint accepts, best first: "
							+ String.join(", ", getSupportedProtocols())));
			Admission admitted = this.admission.admit(handshake);
			try {
				return start(request, protocol, admitted.principal(), admitted.permit());
			}
			catch (IOException | RuntimeException ex) {
				admitted.permit().release();
				throw ex;
			}
		}
		catch (HandshakeRefusedException ex) {
			ServletServerHttpResponse answer = new ServletServerHttpResponse(response);
			this.admission.refuse(Transport.SSE, ex, handshake, answer);
			answer.flush();
			return null;
		}
	}

	private Optional<NegotiatedProtocol> negotiate(HttpServletRequest request) {
		String[] offered = request.getParameterValues("protocols");
		return Subprotocols
			.select((offered != null) ? List.of(offered) : List.of(), this.options.applicationProtocols(),
					this.options.requireProtocol())
			.flatMap(Subprotocols::parse);
	}

	private void refuseProtocols(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String offered = request.getParameter("protocols");
		logger.debug(LogMessage.format("Session request from %s refused: no acceptable subprotocol in '%s'",
				request.getRemoteAddr(), offered));
		refuse(response, HttpStatus.BAD_REQUEST, "No acceptable subprotocol offered"
				+ ((offered != null) ? " in '" + offered + "'" : "; pass them as ?protocols=a,b")
				+ ". This endpoint accepts, best first: " + String.join(", ", getSupportedProtocols()));
	}

	private ResponseEntity<SseEmitter> start(HttpServletRequest request, NegotiatedProtocol protocol,
			Principal principal, @Nullable Permit permit) throws IOException {
		String reason = fallbackReason(request);
		SseSession session = this.registry.create(principal);
		SessionContext context = new SessionContext(session.id(), Transport.SSE, remoteAddress(request), principal,
				(reason != null) ? Map.of(FALLBACK_REASON_ATTRIBUTE, reason) : Map.of());
		String postPath = request.getContextPath() + this.options.path() + "/" + session.token();
		session.start(context, protocol, postPath, this.settings, this.runtime, this.onConnect,
				this.options.heartbeatInterval());
		if (this.admission != null) {
			track(session.connection(), permit);
		}
		for (SkippedTransport skipped : SkippedTransport.parse(reason)) {
			this.runtime.listener().transportSkipped(Transport.SSE, skipped);
		}
		logger.debug(LogMessage.format("[%s] Opened '%s' for %s%s", session.id(), protocol.token(),
				context.remoteAddress(), (reason != null) ? ", fallback reason '" + reason + "'" : ""));
		return ResponseEntity.ok()
			.contentType(EVENT_STREAM)
			.cacheControl(CacheControl.noCache())
			.header("X-Accel-Buffering", "no")
			.body(session.emitter());
	}

	/**
	 * Join the session to the shared registry until its engine ends, and give its place back
	 * then.
	 */
	private void track(WtConnection connection, @Nullable Permit permit) {
		FallbackSessionRegistry sessions = this.admission.getRegistry();
		Registration registration = sessions.register(connection);
		connection.closed().whenComplete((info, ex) -> {
			registration.end();
			if (permit != null) {
				permit.release();
			}
		});
		if (!sessions.isAccepting()) {
			// Admitted just before shutdown began: nothing drains it any more.
			connection.close(SessionDrainer.CLOSE_CODE, SessionDrainer.CLOSE_REASON);
		}
	}

	private static String fallbackReason(HttpServletRequest request) {
		String reason = request.getParameter(SkippedTransport.PARAMETER);
		if (reason == null || REASON.matcher(reason).matches()) {
			return reason;
		}
		logger.debug(LogMessage.format("Ignoring fallback-reason from %s: not a list of up to 128 characters",
				request.getRemoteAddr()));
		return null;
	}

	private boolean allowsOrigin(HttpServletRequest request) {
		return this.originPolicy.allows(new ServletServerHttpRequest(request));
	}

	private static InetSocketAddress remoteAddress(HttpServletRequest request) {
		try {
			// An IP literal, so no name lookup happens.
			return new InetSocketAddress(request.getRemoteAddr(), request.getRemotePort());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * Apply the records of one POST to its session; see the protocol document for the
	 * answers.
	 * @param request the {@code POST} request
	 * @param response the response
	 * @param sessionId the session id from the path
	 * @throws IOException if the body could not be read or the answer not written
	 */
	public void post(HttpServletRequest request, HttpServletResponse response,
			@PathVariable("sessionId") String sessionId) throws IOException {
		SseSession session = this.registry.find(sessionId);
		if (session == null) {
			refuse(response, HttpStatus.NOT_FOUND, "No such session; it may have ended.");
			return;
		}
		if (!session.admits(request.getUserPrincipal()) || !allowsOrigin(request)) {
			logger.debug(LogMessage.format("[%s] POST from %s refused: foreign principal or origin", session.id(),
					request.getRemoteAddr()));
			refuse(response, HttpStatus.FORBIDDEN, "This session belongs to another principal or origin.");
			return;
		}
		if (!isOctetStream(request.getContentType())) {
			refuse(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Records must be sent as application/octet-stream.");
			return;
		}
		String sequence = request.getHeader(SEQUENCE_HEADER);
		if (sequence == null || !SEQUENCE.matcher(sequence).matches()) {
			refuse(response, HttpStatus.BAD_REQUEST, "Header " + SEQUENCE_HEADER + " must hold a decimal sequence"
					+ " number, was " + ((sequence != null) ? "'" + sequence + "'" : "missing") + ".");
			return;
		}
		byte[] body = readBody(request);
		if (body == null) {
			refuse(response, HttpStatus.CONTENT_TOO_LARGE, "A POST body may hold at most "
					+ this.options.maxPostSize() + " bytes.");
			return;
		}
		answer(session, Long.parseLong(sequence), body, response);
	}

	private static boolean isOctetStream(String contentType) {
		try {
			return contentType != null
					&& MediaType.parseMediaType(contentType).equalsTypeAndSubtype(MediaType.APPLICATION_OCTET_STREAM);
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	private byte[] readBody(HttpServletRequest request) throws IOException {
		long max = this.options.maxPostSize();
		if (request.getContentLengthLong() > max) {
			return null;
		}
		try (InputStream in = request.getInputStream()) {
			// Grows with what arrives, so a small body never costs the whole limit.
			byte[] body = in.readNBytes((int) max + 1);
			return (body.length <= max) ? body : null;
		}
	}

	private void answer(SseSession session, long sequence, byte[] body, HttpServletResponse response)
			throws IOException {
		SseSession.PostResult result = session.apply(sequence, RecordBody.parse(body, this.settings.maxRecordSize()));
		switch (result.kind()) {
			case APPLIED -> response.setStatus(HttpStatus.NO_CONTENT.value());
			case DUPLICATE -> {
				response.setHeader(DUPLICATE_HEADER, "true");
				response.setStatus(HttpStatus.NO_CONTENT.value());
			}
			case GAP -> {
				response.setHeader(EXPECTED_SEQUENCE_HEADER, Long.toString(result.nextSequence()));
				refuse(response, HttpStatus.CONFLICT, "Sequence number " + sequence + " skips POSTs; expected "
						+ result.nextSequence() + ".");
			}
			case MALFORMED -> refuse(response, HttpStatus.BAD_REQUEST, "Malformed record in the body; the session"
					+ " ends with PROTOCOL_VIOLATION.");
			case ENDED -> refuse(response, HttpStatus.NOT_FOUND, "No such session; it has ended.");
		}
	}

	private static void refuse(HttpServletResponse response, HttpStatus status, String message) throws IOException {
		byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
		response.setStatus(status.value());
		response.setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8).toString());
		response.setContentLength(bytes.length);
		response.getOutputStream().write(bytes);
	}

}
