package dev.resilientmail.testkit;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How reply lines are written on the wire.
 */
class ActionTests {

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
			250 Ok                                   | 250 Ok\\r\\n
			550 5.7.1 one;550 5.7.1 two              | 550-5.7.1 one\\r\\n550 5.7.1 two\\r\\n
			250-first;250 last                       | 250-first\\r\\n250 last\\r\\n
			250-never;250-ends                       | 250-never\\r\\n250-ends\\r\\n
			250-alone                                | 250-alone\\r\\n
			250;250 x                                | 250-\\r\\n250 x\\r\\n
			250 a;250                                | 250-a\\r\\n250\\r\\n
			garbage;250 ok                           | garbage\\r\\n250 ok\\r\\n
			'220 a\r\n220 b'                         | 220-a\\r\\n220 b\\r\\n
			""")
	void writesSeparatorsUnlessGiven(String lines, String wire) {
		Action action = Action.reply(lines.replace("\\r\\n", "\r\n").split(";"));
		assertThat(new String(action.bytes(), StandardCharsets.UTF_8).replace("\r\n", "\\r\\n")).isEqualTo(wire);
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			250 Ok;550 5.1.1 no  | 550
			421 4.3.2 bye        | 421
			x                    | -1
			""")
	void theReplyCodeIsThatOfTheLastLine(String lines, int code) {
		assertThat(Action.reply(lines.split(";")).code()).isEqualTo(code);
	}

}
