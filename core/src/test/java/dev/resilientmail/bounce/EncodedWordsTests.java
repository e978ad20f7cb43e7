package dev.resilientmail.bounce;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class EncodedWordsTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "=?UTF-8?B?VW56dXN0ZWxsYmFy?=|Unzustellbar",
					"=?ISO-8859-1?Q?Non_remis_:_caf=E9?=|Non remis : café",
					"=?utf-8?q?Undeliverable:?= =?utf-8?q?_hello?=|Undeliverable: hello",
					"Re: =?UTF-8?B?w6k=?= done|Re: é done", "=?x-unknown?B?abc?= stays|=?x-unknown?B?abc?= stays",
					"=?UTF-8?Z?broken?=|=?UTF-8?Z?broken?=", "plain text|plain text", "=?broken|=?broken" })
	void encodedWordsAreDecodedAndBrokenOnesKept(String field, String text) {
		assertThat(EncodedWords.decode(field)).isEqualTo(text);
	}

}
