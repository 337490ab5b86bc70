package org.alpenstack.it.ui;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** A server started with a bearer token: the dashboard reads freely, and changes once given the token. */
class TokenTest {
    private static final String TOKEN = "s3cret-token-for-the-ui-test";
    private static UiServer server;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        server = UiServer.start(TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void changesNeedTheTokenReadsDoNot() throws Exception {
        browser.driver.get(server.baseUri + "/#/");
        browser.until(textToBePresentInElementLocated(By.id("live"), "live"));
        browser.until(textToBePresentInElementLocated(By.id("instance-count"), "0 instances"));

        browser.find("#create-form input[name=name]").sendKeys("green");
        browser.find("#create-form button[type=submit]").click();
        browser.until(textToBePresentInElementLocated(By.cssSelector("#create-form .form-error"), "token"));
        browser.until(visibilityOfElementLocated(By.cssSelector(".toast.error")));
        browser.screenshot("token-refused");
        given().baseUri(server.baseUri).get("/api/v1/instances/green").then().statusCode(404);

        browser.find("#token-button").click();
        browser.until(visibilityOfElementLocated(By.id("token")));
        browser.find("#token input[name=token]").sendKeys(TOKEN);
        browser.find("#token button[value=save]").click();
        browser.until(invisibilityOfElementLocated(By.id("token")));
        browser.find("#create-form button[type=submit]").click();
        WebElement row = browser.until(presenceOfElementLocated(By.cssSelector("#instances tr[data-instance='green']")));
        assertTrue(row.getText().contains("running"), row.getText());
        given().baseUri(server.baseUri).get("/api/v1/instances/green").then().statusCode(200);
        browser.assertNoConsoleErrors(Pattern.compile("status of 401"));
    }
}
