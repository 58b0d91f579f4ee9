package dev.wtfallback.web.sse;

import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.time.Duration;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.servlet.HandlerMapping;

import dev.wtfallback.core.FallbackListener.IngressOutcome;

/**
 * Serves {@code POST {path}/{clientId}}: delivers the body to the {@link SseMessageHandler}s on
 * behalf of an open client.
 *
 * <p>Answers, each with a small JSON body:
 * <ul>
 * <li>202 {@code {"status":"delivered"}} once every handler returned;</li>
 * <li>200 {@code {"status":"duplicate"}} for a repeated {@code Idempotency-Key} within the
 * window, which is not delivered again;</li>
 * <li>404 {@code unknown-client} for an id that is not open and did not leave recently, 410
 * {@code client-gone} for one that left recently;</li>
 * <li>403 {@code forbidden} when the stream was opened by a principal and the POST comes
 * from no or another principal;</li>
 * <li>415 {@code unsupported-media-type} unless the body is {@code text/plain},
 * {@code application/json} (or {@code +json}) or {@code application/octet-stream};</li>
 * <li>413 {@code message-too-large} above the size limit, 400
 * {@code invalid-idempotency-key} for a key that is empty, longer than 128 characters or not
 * visible ASCII, 500 {@code handler-failed} when a handler threw.</li>
 * </ul>
 */
public final class SseIngressHandler implements HttpRequestHandler, CorsConfigurationSource {

	/**
	 * Header that carries a client-chosen message id, making retries idempotent.
	 */
	public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

	private static final int MAX_REMEMBERED_MESSAGE_IDS = 100_000;

	private static final List<MediaType> ACCEPTED_TYPES = List.of(MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON,
			new MediaType("application", "*+json"), MediaType.APPLICATION_OCTET_STREAM);

	private static final Log logger = LogFactory.getLog(SseIngressHandler.class);

	private final SseHub hub;

	private final List<SseMessageHandler> handlers;

	private final long maxMessageSize;

	private final IdempotencyRegistry idempotency;

	private final @Nullable CorsConfiguration corsConfiguration;

	/**
	 * Create a handler.
	 * @param hub the hub whose clients may post
	 * @param handlers the handlers that receive each message, in order
	 * @param maxMessageSize the largest accepted body
	 * @param idempotencyWindow how long a message id is remembered
	 * @param corsConfiguration the cross-origin rules, or {@code null} for same-origin only
	 */
	public SseIngressHandler(SseHub hub, List<SseMessageHandler> handlers, DataSize maxMessageSize,
			Duration idempotencyWindow, @Nullable CorsConfiguration corsConfiguration) {
		this.hub = hub;
		this.handlers = List.copyOf(handlers);
		this.maxMessageSize = maxMessageSize.toBytes();
		this.idempotency = new IdempotencyRegistry(idempotencyWindow, MAX_REMEMBERED_MESSAGE_IDS, System::nanoTime);
		this.corsConfiguration = corsConfiguration;
	}

	@Override
	public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
		try {
			handle(request, response);
		}
		finally {
			report(response.getStatus());
		}
	}

	private void report(int status) {
		if (status == 202) {
			this.hub.events().ingressMessage(IngressOutcome.ACCEPTED);
		}
		else if (status == 200) {
			this.hub.events().ingressMessage(IngressOutcome.DUPLICATE);
		}
		else if (status >= 400 && status < 500) {
			this.hub.events().ingressMessage(IngressOutcome.REFUSED);
		}
	}

	private void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (!"POST".equals(request.getMethod())) {
			response.setHeader(HttpHeaders.ALLOW, "POST");
			SseErrors.write(response, 405, "method-not-allowed", "Messages are sent with POST");
			return;
		}
		String clientId = String.valueOf(request.getAttribute(HandlerMapping.PATH_WITHIN_HANDLER_MAPPING_ATTRIBUTE));
		SseClient client = this.hub.client(clientId).filter(SseClient::isOpen).orElse(null);
		if (client == null) {
			rejectClient(response, clientId);
			return;
		}
		if (!isSamePrincipal(client, request.getUserPrincipal())) {
			SseErrors.write(response, 403, "forbidden", "The client's stream belongs to another principal");
			return;
		}
		receive(client, request, response);
	}

	private void rejectClient(HttpServletResponse response, String clientId) throws IOException {
		if (this.hub.hasDeparted(clientId)) {
			SseErrors.write(response, 410, "client-gone", "The client's stream has ended; reconnect first");
		}
		else {
			SseErrors.write(response, 404, "unknown-client", "No open client has this id");
		}
	}

	private boolean isSamePrincipal(SseClient client, @Nullable Principal principal) {
		String owner = client.principalName();
		return owner == null || (principal != null && owner.equals(principal.getName()));
	}

	private void receive(SseClient client, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		MediaType contentType = acceptedContentType(request.getContentType());
		if (contentType == null) {
			SseErrors.write(response, 415, "unsupported-media-type", "Content-Type must be one of " + ACCEPTED_TYPES);
			return;
		}
		String messageId = request.getHeader(IDEMPOTENCY_KEY_HEADER);
		if (messageId != null && !isValidMessageId(messageId)) {
			SseErrors.write(response, 400, "invalid-idempotency-key",
					IDEMPOTENCY_KEY_HEADER + " must be 1 to 128 visible ASCII characters");
			return;
		}
		byte[] body = readBody(request);
		if (body == null) {
			SseErrors.write(response, 413, "message-too-large", "The body exceeds fallback.sse.max-message-size ("
					+ this.maxMessageSize + " bytes)");
			return;
		}
		if (messageId != null && !this.idempotency.claim(client.id(), messageId)) {
			SseErrors.writeJson(response, 200, "{\"status\":\"duplicate\"}");
			return;
		}
		deliver(client, new SseMessage(body, contentType, messageId), response);
	}

	private @Nullable MediaType acceptedContentType(@Nullable String header) {
		if (header == null) {
			return null;
		}
		try {
			MediaType type = MediaType.parseMediaType(header);
			return ACCEPTED_TYPES.stream().anyMatch((accepted) -> accepted.includes(type)) ? type : null;
		}
		catch (InvalidMediaTypeException ex) {
			return null;
		}
	}

	private static boolean isValidMessageId(String messageId) {
		return !messageId.isEmpty() && messageId.length() <= 128
				&& messageId.chars().allMatch((c) -> c > 0x20 && c < 0x7f);
	}

	private byte @Nullable [] readBody(HttpServletRequest request) throws IOException {
		if (request.getContentLengthLong() > this.maxMessageSize) {
			return null;
		}
		int limit = (int) Math.min(this.maxMessageSize + 1, Integer.MAX_VALUE - 8);
		try (InputStream input = request.getInputStream()) {
			byte[] body = input.readNBytes(limit);
			return (body.length > this.maxMessageSize) ? null : body;
		}
	}

	private void deliver(SseClient client, SseMessage message, HttpServletResponse response) throws IOException {
		try {
			for (SseMessageHandler handler : this.handlers) {
				handler.onMessage(client, message);
			}
		}
		catch (Exception ex) {
			if (message.messageId() != null) {
				this.idempotency.release(client.id(), message.messageId());
			}
			logger.warn(LogMessage.format("%sMessage handler failed on %s", client.logPrefix(), message), ex);
			SseErrors.write(response, 500, "handler-failed", "The message could not be processed; it may be retried");
			return;
		}
		logger.debug(LogMessage.format("%sDelivered %s", client.logPrefix(), message));
		SseErrors.writeJson(response, 202, "{\"status\":\"delivered\"}");
	}

	@Override
	public @Nullable CorsConfiguration getCorsConfiguration(HttpServletRequest request) {
		return this.corsConfiguration;
	}

}
