package dev.wtfallback.web.server;

import java.net.InetAddress;

import dev.wtfallback.web.server.SessionLimiter.Permit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SessionLimiter}.
 */
class SessionLimiterTests {

	private final SessionLimiter limiter = new SessionLimiter(3, 2);

	@Test
	void perAddressLimitRefusesTheNextSessionFromThatAddressOnly() throws Exception {
		this.limiter.acquire(address(1));
		this.limiter.acquire(address(1));

		assertThatExceptionOfType(SessionLimitExceededException.class)
			.isThrownBy(() -> this.limiter.acquire(address(1)))
			.satisfies((ex) -> assertThat(ex.isPerAddress()).isTrue())
			.withMessageContaining("fallback.limits.max-sessions-per-address");
		assertThat(this.limiter.acquire(address(2))).isNotNull();
		assertThat(this.limiter.activeSessions()).isEqualTo(3);
	}

	@Test
	void totalLimitRefusesEveryAddress() throws Exception {
		this.limiter.acquire(address(1));
		this.limiter.acquire(address(2));
		this.limiter.acquire(address(3));

		assertThatExceptionOfType(SessionLimitExceededException.class)
			.isThrownBy(() -> this.limiter.acquire(address(4)))
			.satisfies((ex) -> assertThat(ex.isPerAddress()).isFalse())
			.withMessageContaining("fallback.limits.max-sessions)");
		assertThat(this.limiter.activeSessions()).isEqualTo(3);
	}

	@Test
	void releasingTwiceGivesThePlaceBackOnce() throws Exception {
		Permit first = this.limiter.acquire(address(1));
		this.limiter.acquire(address(1));

		first.release();
		first.release();

		assertThat(first.isReleased()).isTrue();
		assertThat(this.limiter.activeSessions()).isEqualTo(1);
		this.limiter.acquire(address(1));
		assertThatExceptionOfType(SessionLimitExceededException.class)
			.isThrownBy(() -> this.limiter.acquire(address(1)));
	}

	@Test
	void refusalByAddressTakesNoPlaceFromTheTotal() throws Exception {
		this.limiter.acquire(address(1));
		this.limiter.acquire(address(1));
		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(SessionLimitExceededException.class)
				.isThrownBy(() -> this.limiter.acquire(address(1)));
		}

		assertThat(this.limiter.activeSessions()).isEqualTo(2);
		assertThat(this.limiter.acquire(address(2))).isNotNull();
	}

	@Test
	void unknownAddressesShareOneCount() throws Exception {
		this.limiter.acquire(null);
		this.limiter.acquire(null);

		assertThatExceptionOfType(SessionLimitExceededException.class).isThrownBy(() -> this.limiter.acquire(null));
	}

	private static InetAddress address(int last) throws Exception {
		return InetAddress.getByAddress(new byte[] { 127, 0, 0, (byte) last });
	}

}
