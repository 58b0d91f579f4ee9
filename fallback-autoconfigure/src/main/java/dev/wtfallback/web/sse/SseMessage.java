package dev.wtfallback.web.sse;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;

/**
 * A message a client posted to the hub's ingress endpoint.
 *
 * <p>Immutable; the body is copied on the way in and on the way out.
 */
public final class SseMessage {

	private final byte[] body;

	private final MediaType contentType;

	private final @Nullable String messageId;

	/**
	 * Create a message.
	 * @param body the request body
	 * @param contentType the request's content type
	 * @param messageId the client's {@code Idempotency-Key}, or {@code null} if none was sent
	 */
	public SseMessage(byte[] body, MediaType contentType, @Nullable String messageId) {
		this.body = body.clone();
		this.contentType = contentType;
		this.messageId = messageId;
	}

	/**
	 * Return the raw body.
	 * @return a copy of the body bytes
	 */
	public byte[] body() {
		return this.body.clone();
	}

	/**
	 * Return the body as text, decoded with the content type's charset or UTF-8 when it names
	 * none.
	 * @return the body text
	 */
	public String text() {
		Charset charset = this.contentType.getCharset();
		return new String(this.body, (charset != null) ? charset : StandardCharsets.UTF_8);
	}

	/**
	 * Return the content type the client sent.
	 * @return the content type
	 */
	public MediaType contentType() {
		return this.contentType;
	}

	/**
	 * Return the client-chosen message id from the {@code Idempotency-Key} header.
	 * @return the id, or {@code null} if the client sent none
	 */
	public @Nullable String messageId() {
		return this.messageId;
	}

	@Override
	public String toString() {
		return "SseMessage[" + this.contentType + ", " + this.body.length + " bytes, id=" + this.messageId + "]";
	}

}
