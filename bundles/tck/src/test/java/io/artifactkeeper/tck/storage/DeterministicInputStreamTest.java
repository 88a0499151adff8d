package io.artifactkeeper.tck.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class DeterministicInputStreamTest {

    @Test
    void sameSeedSameBytesAndWindowsAgreeWithTheWhole() throws IOException {
        byte[] whole = DeterministicInputStream.bytes(42, 10_000);
        assertThat(DeterministicInputStream.bytes(42, 10_000)).isEqualTo(whole);
        assertThat(DeterministicInputStream.bytes(43, 10_000)).isNotEqualTo(whole);

        for (int offset : new int[] {0, 1, 7, 8, 9, 4093, 9999}) {
            byte[] window = new DeterministicInputStream(42, offset, 10_000 - offset).readAllBytes();
            assertThat(window).as("window at %d", offset).isEqualTo(Arrays.copyOfRange(whole, offset, 10_000));
        }
        for (int i = 0; i < whole.length; i++) {
            assertThat(DeterministicInputStream.byteAt(42, i)).isEqualTo(whole[i]);
        }
    }

    @Test
    void singleByteReadsSkipAndEnd() throws IOException {
        byte[] whole = DeterministicInputStream.bytes(5, 100);
        DeterministicInputStream in = new DeterministicInputStream(5, 100);
        assertThat(in.read()).isEqualTo(whole[0] & 0xFF);
        assertThat(in.skip(50)).isEqualTo(50);
        assertThat(in.read()).isEqualTo(whole[51] & 0xFF);
        assertThat(in.skip(1000)).isEqualTo(48);
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
        assertThat(in.remaining()).isZero();
    }

    @Test
    void bytesLookRandom() {
        byte[] b = DeterministicInputStream.bytes(1, 1 << 20);
        int[] counts = new int[256];
        for (byte x : b) {
            counts[x & 0xFF]++;
        }
        // 4096 expected per value; a broken generator (zeros, short cycles) is far off.
        assertThat(Arrays.stream(counts).min().getAsInt()).isGreaterThan(3500);
        assertThat(Arrays.stream(counts).max().getAsInt()).isLessThan(4700);
    }

    @Test
    void sha256OfDeterministicContentMatchesTheBytes() {
        byte[] b = DeterministicInputStream.bytes(9, 123_457);
        assertThat(Sha256.ofDeterministic(9, 0, b.length)).isEqualTo(Sha256.of(b));
        assertThat(Sha256.ofDeterministic(9, 1000, 5000)).isEqualTo(Sha256.of(Arrays.copyOfRange(b, 1000, 6000)));
        assertThat(Sha256.of(new byte[0])).isEqualTo(Sha256.EMPTY);
    }
}
