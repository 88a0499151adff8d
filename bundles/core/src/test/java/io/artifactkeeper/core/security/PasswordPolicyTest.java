package io.artifactkeeper.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    @Test
    void commonPasswordsAndTheirDecoratedFormsAreRefused() {
        for (String pw : new String[] {"password", "Password123!", "qwertyuiop", "1234567890", "Summer2024!!",
                "letmein!!!!!", "Welcome1", "artifactkeeper1", "000000000000", "!!Dragon2020"}) {
            assertThat(PasswordPolicy.problem("someone", pw, false)).as(pw).isPresent();
        }
    }

    @Test
    void lengthDependsOnTheRole() {
        assertThat(PasswordPolicy.problem("u", "Xk3!vq9#", false)).isEmpty();
        assertThat(PasswordPolicy.problem("u", "Xk3!vq9", false)).hasValueSatisfying(m -> assertThat(m).contains("8"));
        assertThat(PasswordPolicy.problem("u", "Xk3!vq9#Lm2", true)).hasValueSatisfying(m -> assertThat(m).contains("12"));
        assertThat(PasswordPolicy.problem("u", "Xk3!vq9#Lm2$", true)).isEmpty();
        assertThat(PasswordPolicy.problem("jenkins-ci", "Jenkins-CI2024!", false)).isPresent(); // the name plus digits
        assertThat(PasswordPolicy.problem("admin", "admin-Passw0rd!", true)).isEmpty();
        assertThat(PasswordPolicy.problem("root", "correct horse battery", true)).isEmpty();
    }

    @Test
    void stemDropsTrailingDigitsAndSymbols() {
        assertThat(PasswordPolicy.stem("summer2024!")).isEqualTo("summer");
        assertThat(PasswordPolicy.stem("2024")).isEmpty();
    }
}
