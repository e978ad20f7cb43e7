package dev.resilientmail.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.resilientmail.it.PostfixEnvironment.Action;

/**
 * When the Postfix tests run, skip or fail: never a silent skip in CI, never a skip on a
 * machine set up for them but not running as root.
 */
class PostfixEnvironmentTests {

	private static final Map<String, Path> ALL = Map.of("postfix", Path.of("/usr/sbin/postfix"), "postconf",
			Path.of("/usr/sbin/postconf"), "postgrey", Path.of("/usr/sbin/postgrey"), "saslpasswd2",
			Path.of("/usr/sbin/saslpasswd2"), "openssl", Path.of("/usr/bin/openssl"));

	@Test
	void runsWhenEverythingIsThereAndRoot() {
		assertThat(new PostfixEnvironment(ALL, List.of(), true, true).decide().action()).isEqualTo(Action.RUN);
		assertThat(new PostfixEnvironment(ALL, List.of(), true, false).decide().action()).isEqualTo(Action.RUN);
	}

	@Test
	void missingProgramsSkipOnADeveloperMachineAndSayHowToInstall() {
		PostfixEnvironment.Decision decision = new PostfixEnvironment(Map.of(), List.of("postfix", "postgrey"), false,
				false)
			.decide();
		assertThat(decision.action()).isEqualTo(Action.SKIP);
		assertThat(decision.message()).contains("postfix, postgrey")
			.contains("apt-get install -y postfix postgrey sasl2-bin");
	}

	@Test
	void missingProgramsFailInCi() {
		PostfixEnvironment.Decision decision = new PostfixEnvironment(Map.of(), List.of("postgrey"), true, true)
			.decide();
		assertThat(decision.action()).isEqualTo(Action.FAIL);
		assertThat(decision.message()).startsWith("CI=true and ").contains("postgrey");
	}

	@Test
	void notRootFailsWithTheReason() {
		for (boolean ci : new boolean[] { true, false }) {
			PostfixEnvironment.Decision decision = new PostfixEnvironment(ALL, List.of(), false, ci).decide();
			assertThat(decision.action()).isEqualTo(Action.FAIL);
			assertThat(decision.message()).contains("must run as root");
		}
	}

	@Test
	void detectsThisMachine() {
		PostfixEnvironment environment = PostfixEnvironment.detect();
		assertThat(environment.ci()).isEqualTo("true".equalsIgnoreCase(System.getenv("CI")));
		assertThat(environment.missing()).allMatch((program) -> !environment.programs().containsKey(program));
		assertThat(environment.programs().size() + environment.missing().size()).isEqualTo(5);
	}

}
