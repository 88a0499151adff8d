package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * A real browser (Debian's headless Chromium through its ChromeDriver) logs into the Web Console,
 * opens our Repositories page, creates a repository and sees it listed. Screenshots are kept in
 * target/screenshots.
 */
class ConsoleBrowserIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path tmp;

    @Test
    void createARepositoryFromTheConsole() throws Exception {
        assertThat(CHROMIUM).as("Debian chromium is required: apt-get install chromium chromium-driver").exists();
        assertThat(CHROMEDRIVER).as("Debian chromedriver is required: apt-get install chromium-driver").exists();
        Path shots = Path.of("target/screenshots");
        Files.createDirectories(shots);
        try (Distribution ak = new Distribution(tmp.resolve("data")).start()) {
            ak.awaitReady(Duration.ofSeconds(120));
            ChromeOptions opts = new ChromeOptions();
            opts.setBinary(CHROMIUM.toFile());
            opts.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + tmp.resolve("profile"));
            ChromeDriverService svc = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort().build();
            ChromeDriver browser = new ChromeDriver(svc, opts);
            try {
                // the console logs in with Basic credentials of an Artifact Keeper administrator
                browser.executeCdpCommand("Network.enable", Map.of());
                browser.executeCdpCommand("Network.setExtraHTTPHeaders",
                        Map.of("headers", Map.of("Authorization", ak.adminBasic())));
                browser.get(ak.url() + "/system/console/ak-repositories");
                assertThat(browser.getTitle()).contains("Repositories");
                Files.write(shots.resolve("console-repositories-before.png"), browser.getScreenshotAs(OutputType.BYTES));

                browser.findElement(By.id("ak-key")).sendKeys("from-browser");
                new Select(browser.findElement(By.id("ak-format"))).selectByValue("generic");
                new Select(browser.findElement(By.id("ak-type"))).selectByVisibleText("local");
                browser.findElement(By.id("ak-create")).click();

                WebElement row = browser.findElement(By.cssSelector("#ak-repo-table tr[data-key='from-browser']"));
                assertThat(row.getText()).contains("from-browser").contains("generic").contains("local");
                assertThat(browser.findElement(By.id("ak-message")).getText()).contains("Created repository from-browser");
                Files.write(shots.resolve("console-repositories-created.png"), browser.getScreenshotAs(OutputType.BYTES));

                browser.get(ak.url() + "/system/console/ak-formats");
                assertThat(browser.findElement(By.cssSelector("#ak-format-table tr[data-key='generic']")).getText())
                        .contains("io.artifactkeeper.format.generic").contains("from-browser");
                Files.write(shots.resolve("console-formats.png"), browser.getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }
            // the repository exists for the API too
            assertThat(ak.send("GET", "/api/v1/repositories/from-browser", ak.adminBasic(), null, null).statusCode())
                    .isEqualTo(200);
            // and the console refuses anonymous visitors
            assertThat(ak.send("GET", "/system/console/ak-repositories", null, null, null).statusCode()).isEqualTo(401);
        }
    }
}
