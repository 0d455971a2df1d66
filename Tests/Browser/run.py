"""Browser tests: real headless Chromium driven by Selenium through the flows people use.

Starts `accord serve --demo` (the built debug binary) on a free port with its own SQLite file, or on the
PostgreSQL of DATABASE_URL, then signs in, opens the home page, is refused a page the role may not see,
and signs out. Prints a closing line "N passed, N failed" and exits non-zero on any failure."""
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(ROOT, ".build", "debug", "accord")
PASSWORD = "accord-demo"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir):
    port = free_port()
    env = dict(os.environ, ACCORD_LOG_LEVEL="warning")
    if not env.get("DATABASE_URL"):
        env["ACCORD_DB"] = os.path.join(workdir, "accord.sqlite")
    log = open(os.path.join(workdir, "serve.log"), "w")
    process = subprocess.Popen([BINARY, "serve", "--demo", "--port", str(port)], cwd=workdir, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            return process, base
        except Exception:
            if process.poll() is not None:
                raise RuntimeError("accord serve exited: " + open(log.name).read()[-2000:])
            time.sleep(0.2)
    raise RuntimeError("accord serve did not answer /health within 60 s")


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def is_gone(element):
    """Whether the page holding `element` has been replaced. Chromium sometimes answers a question about a node
    of the old page with "does not belong to the document" instead of a stale-element error: gone all the same."""
    def check(_driver):
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error) or "No node with given id" in str(error):
                return True
            raise
    return check


def click_and_wait(driver, element):
    """Clicks something that loads a new page and waits until that page is there (CI machines are slow)."""
    element.click()
    WebDriverWait(driver, 30).until(is_gone(element))
    WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))


def sign_in(driver, base, email, password):
    driver.get(base + "/sign-in")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]"))


def nav_labels(driver):
    return [link.text for link in driver.find_elements(By.CSS_SELECTOR, "nav .nav a")]


def test_strangers_are_sent_to_sign_in(driver, base):
    driver.get(base + "/accounts")
    assert "/sign-in" in driver.current_url, driver.current_url
    assert driver.find_element(By.TAG_NAME, "h1").text == "Sign in"
    assert driver.find_element(By.CSS_SELECTOR, "label[for=email]").text == "Email"


def test_wrong_password_is_refused(driver, base):
    sign_in(driver, base, "rep1@accord.example", "not the password")
    assert "/sign-in" in driver.current_url
    assert driver.find_element(By.CSS_SELECTOR, ".error").text == "Wrong email or password."
    assert driver.get_cookie("accord_session") is None


def test_rep_signs_in_sees_their_leads_and_is_refused_the_audit(driver, base):
    sign_in(driver, base, "rep1@accord.example", PASSWORD)
    assert driver.current_url.rstrip("/") == base, driver.current_url
    assert driver.find_element(By.TAG_NAME, "h1").text == "Your open leads"
    counts = driver.find_elements(By.CSS_SELECTOR, ".counts li")
    assert len(counts) == 6, [c.text for c in counts]
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert rows, "the demo rep has open leads"
    labels = nav_labels(driver)
    assert "Accounts" in labels and "Audit" not in labels, labels
    cookie = driver.get_cookie("accord_session")
    assert cookie and cookie["httpOnly"], cookie
    driver.save_screenshot(os.path.join(os.environ.get("BROWSER_ARTIFACTS", tempfile.gettempdir()), "home-rep.png"))
    driver.get(base + "/audit")
    assert "403" in driver.find_element(By.TAG_NAME, "h1").text, driver.page_source[:500]
    driver.get(base + "/accounts")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Accounts"
    assert driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")


def test_sign_out_ends_the_session(driver, base):
    driver.get(base + "/")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button"))
    assert "/sign-in" in driver.current_url
    driver.get(base + "/")
    assert "/sign-in" in driver.current_url, "signed out for real"


def test_manager_sees_the_audit_trail(driver, base):
    sign_in(driver, base, "marketingmanager1@accord.example", PASSWORD)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Open leads"
    assert "Audit" in nav_labels(driver)
    driver.get(base + "/audit")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Audit trail"


def sign_in_fresh(driver, base, email):
    driver.delete_all_cookies()
    sign_in(driver, base, email, PASSWORD)


def waiting_cards(driver):
    return driver.find_elements(By.CSS_SELECTOR, ".queue .lead form[action$='/accept']")


def test_rep_works_the_queue(driver, base):
    # The demo's last day leaves fresh MQLs with some reps; find one who has two waiting.
    for number in range(1, 9):
        sign_in_fresh(driver, base, f"rep{number}@accord.example")
        driver.get(base + "/queue")
        if len(waiting_cards(driver)) >= 2:
            break
    else:
        raise AssertionError("no demo rep has two leads waiting")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Your queue"
    first = driver.find_element(By.CSS_SELECTOR, ".queue .lead")
    lead_id = first.get_attribute("data-lead")
    assert "width:" in first.find_element(By.CSS_SELECTOR, ".bar span").get_attribute("style")
    why = first.find_element(By.CSS_SELECTOR, ".why-routed").text
    assert why.startswith("Why you: ") and "routed to " in why, why
    assert first.find_element(By.CSS_SELECTOR, ".why-mql summary").text.startswith("Why an MQL: Fit ")
    driver.save_screenshot(os.path.join(os.environ.get("BROWSER_ARTIFACTS", tempfile.gettempdir()), "queue-rep.png"))
    # Rejecting with 'other' and no note is refused with the reason in words, and changes nothing.
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    Select(first.find_element(By.CSS_SELECTOR, "select[name=reason]")).select_by_value("other")
    click_and_wait(driver, first.find_element(By.CSS_SELECTOR, "button[name=reject]"))
    alert = driver.find_element(By.CSS_SELECTOR, "p[role=alert]").text
    assert "note" in alert and "other" in alert, alert
    assert driver.find_element(By.ID, "lead-" + lead_id).find_elements(By.CSS_SELECTOR, "form[action$='/accept']")
    # Accepting takes one click; the lead stays in the queue, answered.
    card = driver.find_element(By.ID, "lead-" + lead_id)
    click_and_wait(driver, card.find_element(By.CSS_SELECTOR, "button[name=accept]"))
    assert driver.find_element(By.CSS_SELECTOR, "p[role=status]").text == "Accepted."
    card = driver.find_element(By.ID, "lead-" + lead_id)
    assert not card.find_elements(By.CSS_SELECTOR, "form[action$='/accept']")
    assert "answered" in card.text
    # Logging a call on the next waiting lead stops its clock too.
    second = waiting_cards(driver)[0].find_element(By.XPATH, "./ancestor::li")
    click_and_wait(driver, second.find_element(By.CSS_SELECTOR, "button[name=log-call]"))
    assert "Call logged" in driver.find_element(By.CSS_SELECTOR, "p[role=status]").text


def test_manager_sees_team_queues(driver, base):
    sign_in_fresh(driver, base, "salesmanager1@accord.example")
    assert "Team queues" in nav_labels(driver)
    driver.get(base + "/queue/team")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Team queues: Sales DACH"
    members = driver.find_elements(By.CSS_SELECTOR, "table.members tbody tr")
    assert len(members) == 5, [m.text for m in members]
    link = members[0].find_element(By.TAG_NAME, "a")
    name = link.text
    click_and_wait(driver, link)
    assert driver.find_element(By.TAG_NAME, "h1").text == f"{name}'s queue"


def test_admin_edits_a_routing_rule(driver, base):
    sign_in_fresh(driver, base, "admin@accord.example")
    driver.get(base + "/settings")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Handoff settings"
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "DACH"))
    countries = driver.find_element(By.ID, "f-countries")
    countries.clear()
    countries.send_keys("DEU, AT")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]"))
    problem = driver.find_element(By.CSS_SELECTOR, "div[role=alert]").text
    assert "countries[0]" in problem and "DEU" in problem, problem
    countries = driver.find_element(By.ID, "f-countries")
    assert countries.get_attribute("value") == "DEU, AT", "the form keeps what was typed"
    countries.clear()
    countries.send_keys("DE, AT, CH, LI")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Handoff settings"
    assert "country AT, CH, DE, LI" in driver.find_element(By.ID, "routing").text


def test_feedback_loop_on_the_lead_page(driver, base):
    # A rep rejects a waiting lead on its page; marketing disputes it there and sees it in lead quality.
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    for number in range(1, 9):
        sign_in_fresh(driver, base, f"rep{number}@accord.example")
        driver.get(base + "/queue")
        if waiting_cards(driver):
            break
    else:
        raise AssertionError("no demo rep has a lead waiting")
    card = waiting_cards(driver)[0].find_element(By.XPATH, "./ancestor::li")
    click_and_wait(driver, card.find_element(By.CSS_SELECTOR, "a.story-link"))
    lead_url = driver.current_url
    assert driver.find_element(By.ID, "lead-stage").text == "mql"
    assert driver.find_elements(By.CSS_SELECTOR, "ol.story li.story-routing"), "the story says how it was routed"
    Select(driver.find_element(By.ID, "reject-reason")).select_by_value("not_target_profile")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=do-reject]"))
    assert "Done" in driver.find_element(By.CSS_SELECTOR, "p[role=status]").text
    assert driver.find_element(By.ID, "lead-stage").text == "rejected"
    assert "Rejected by sales: not_target_profile" in driver.find_element(By.CSS_SELECTOR, "ol.story").text
    # Marketing disputes the rejection from the same page.
    sign_in_fresh(driver, base, "marketer1@accord.example")
    driver.get(lead_url)
    assert not driver.find_elements(By.CSS_SELECTOR, "button[name=do-accept]"), "marketing does not decide leads"
    driver.find_element(By.ID, "dispute-reason").send_keys("They asked for pricing at the webinar")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=dispute]"))
    assert "Dispute opened" in driver.find_element(By.CSS_SELECTOR, "p[role=status]").text
    assert "Rejection disputed by marketing" in driver.find_element(By.CSS_SELECTOR, "ol.story").text
    # Lead quality draws its charts on the server.
    driver.get(base + "/quality?by=channel")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Lead quality"
    assert driver.find_elements(By.CSS_SELECTOR, "svg#acceptance rect.bar")
    assert "Not our target profile" in driver.find_element(By.CSS_SELECTOR, "svg#reasons").get_attribute("textContent")
    driver.save_screenshot(os.path.join(os.environ.get("BROWSER_ARTIFACTS", tempfile.gettempdir()), "quality.png"))


def test_marketer_compares_attribution_models(driver, base):
    # Marketing picks a model and a grouping on the attribution page; every model is drawn side by side.
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    sign_in_fresh(driver, base, "marketer1@accord.example")
    driver.get(base + "/attribution")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Attribution"
    Select(driver.find_element(By.ID, "model")).select_by_value("markov")
    Select(driver.find_element(By.ID, "by")).select_by_value("channel")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    assert "model=markov" in driver.current_url and "by=channel" in driver.current_url
    chart = driver.find_element(By.CSS_SELECTOR, "svg#pipeline-by-model")
    series = {element.get_attribute("class") for element in chart.find_elements(By.CSS_SELECTOR, "rect")}
    assert {f"series-{index}" for index in range(8)} <= series, series
    assert "Markov (data-driven)" in chart.get_attribute("textContent")
    assert chart.find_element(By.TAG_NAME, "desc").get_attribute("textContent").strip(), "a text alternative"
    assert "Markov (data-driven)" in driver.find_element(By.CSS_SELECTOR, "#economics caption").text
    assert len(driver.find_elements(By.CSS_SELECTOR, "#economics tbody tr")) >= 3
    export = driver.find_element(By.CSS_SELECTOR, "a[href^='/attribution/export']").get_attribute("href")
    assert "model=markov" in export
    driver.save_screenshot(os.path.join(os.environ.get("BROWSER_ARTIFACTS", tempfile.gettempdir()), "attribution.png"))


def test_marketer_imports_a_hubspot_export(driver, base):
    # Marketing uploads a CRM export: a bad row stops it with the row and column named; skipping bad rows writes the rest.
    sign_in_fresh(driver, base, "marketer1@accord.example")
    driver.find_element(By.LINK_TEXT, "Import").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Import")
    path = os.path.join(tempfile.mkdtemp(prefix="accord-upload-"), "hubspot-contacts.csv")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("Record ID,Email,First Name,Lifecycle Stage\n"
                     "9001,ulla@browser-import.example,Ulla,marketingqualifiedlead\n"
                     "9002,not-an-email,Bob,lead\n")
    driver.find_element(By.ID, "file").send_keys(path)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/import'] button[type=submit]"))
    result = driver.find_element(By.ID, "result").text
    assert "Nothing was imported from hubspot-contacts.csv" in result, result
    problem = driver.find_element(By.CSS_SELECTOR, "#problems tbody tr").text
    assert problem.startswith("3 Email"), problem
    driver.find_element(By.ID, "file").send_keys(path)
    driver.find_element(By.NAME, "skipInvalid").click()
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/import'] button[type=submit]"))
    result = driver.find_element(By.ID, "result").text
    assert "Imported hubspot-contacts.csv" in result and "1 new" in result and "1 rejected" in result, result
    assert driver.find_element(By.CSS_SELECTOR, "#result a[href^='/import/rejects/']").get_attribute("download") is not None
    driver.save_screenshot(os.path.join(os.environ.get("BROWSER_ARTIFACTS", tempfile.gettempdir()), "import.png"))


def test_request_declined_with_an_alternative_is_appealed(driver, base):
    # Sales asks marketing for an event; marketing declines with a reason and an alternative; the rep appeals.
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    sign_in_fresh(driver, base, "rep1@accord.example")
    driver.find_element(By.LINK_TEXT, "Requests").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Requests to marketing")
    Select(driver.find_element(By.ID, "request-kind")).select_by_value("event")
    driver.find_element(By.ID, "request-title").send_keys("Customer dinner in Munich")
    driver.find_element(By.ID, "request-details").send_keys("Three renewals want to meet our product leads")
    driver.execute_script("document.getElementById('request-wanted').value = '2099-03-01'")
    driver.find_element(By.ID, "request-pipeline").send_keys("7000000")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=send-request]"))
    assert "Request sent" in driver.find_element(By.CSS_SELECTOR, "p[role=status]").text
    request_url = driver.current_url.split("?")[0]
    # Marketing finds it on the board, waiting for its answer, and declines with an alternative.
    sign_in_fresh(driver, base, "marketer1@accord.example")
    driver.get(base + "/requests")
    column = driver.find_element(By.CSS_SELECTOR, "section.column.submitted")
    click_and_wait(driver, column.find_element(By.LINK_TEXT, "Customer dinner in Munich"))
    driver.find_element(By.ID, "decline-reason").send_keys("Dinners are against the brand guidelines")
    driver.find_element(By.ID, "decline-alternative").send_keys("A co-branded roundtable at our office")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=do-decline]"))
    assert driver.find_element(By.ID, "request-state").text == "declined"
    # The rep sees the reason and the alternative, and appeals to both managers.
    sign_in_fresh(driver, base, "rep1@accord.example")
    driver.get(request_url)
    facts = driver.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert "A co-branded roundtable at our office" in facts and "against the brand guidelines" in facts, facts
    driver.find_element(By.ID, "appeal-reason").send_keys("A 7 million renewal depends on this dinner")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=do-appeal]"))
    assert driver.find_element(By.ID, "request-state").text == "appealed"
    driver.save_screenshot(os.path.join(os.environ.get("BROWSER_ARTIFACTS", tempfile.gettempdir()), "request.png"))


def test_reviewer_approves_an_asset(driver, base):
    # Marketing puts a one-pager into review with a sales manager as reviewer and uploads it; the reviewer approves.
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    sign_in_fresh(driver, base, "marketer1@accord.example")
    driver.find_element(By.LINK_TEXT, "Collateral").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Collateral")
    driver.find_element(By.ID, "asset-title").send_keys("Partner one-pager")
    Select(driver.find_element(By.ID, "asset-type")).select_by_value("one_pager")
    driver.execute_script("document.getElementById('asset-due').value = '2099-01-15T12:00'")
    Select(driver.find_element(By.ID, "asset-required")).select_by_visible_text("Sofia Brandt (sales manager)")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=create-asset]"))
    assert "Created" in driver.find_element(By.CSS_SELECTOR, "p[role=status]").text
    asset_url = driver.current_url.split("?")[0]
    path = os.path.join(tempfile.mkdtemp(prefix="accord-asset-"), "one-pager.pdf")
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    driver.find_element(By.ID, "upload-file").send_keys(path)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=upload]"))
    assert "Version 1 uploaded" in driver.find_element(By.CSS_SELECTOR, "p[role=status]").text
    assert not driver.find_elements(By.ID, "review-form"), "the marketer is not a reviewer"
    sign_in_fresh(driver, base, "salesmanager1@accord.example")
    driver.get(asset_url)
    link = driver.find_element(By.CSS_SELECTOR, "ul.versions a")
    assert link.get_attribute("download") is not None and link.get_attribute("href").endswith("/versions/1/file")
    Select(driver.find_element(By.ID, "review-decision")).select_by_value("approve")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=submit-review]"))
    assert driver.find_element(By.ID, "asset-state").text == "released"
    assert driver.find_element(By.CSS_SELECTOR, "#reviews-table td.review-state").text == "approved"


def test_marketer_checks_an_audience(driver, base):
    # The pressure page draws its charts; a marketer pastes a list on the audience page and sees who is blocked, and why.
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    sign_in_fresh(driver, base, "marketer1@accord.example")
    driver.find_element(By.LINK_TEXT, "Pressure").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Contact pressure")
    chart = driver.find_element(By.CSS_SELECTOR, "svg#distribution")
    assert chart.get_attribute("role") == "img" and driver.find_element(By.ID, "distribution-title").get_attribute("textContent")
    assert driver.find_elements(By.CSS_SELECTOR, "#campaigns tbody tr"), "the demo's sends are listed"
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "check a list"))
    choices = Select(driver.find_element(By.ID, "campaignId"))
    choices.select_by_index(1)
    driver.find_element(By.ID, "list").send_keys("email\nghost@nowhere.example\nghost@nowhere.example")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"))
    heading = driver.find_element(By.ID, "result-heading").text
    assert "0 of 2 may get it now" in heading, heading
    rules = driver.find_element(By.ID, "by-rule").text
    assert "unknown_person" in rules and "not a person Accord knows" in rules, rules


def scorecard_acceptance(driver, base, day):
    driver.get(f"{base}/scorecard?period=quarter&at={day}&by=rep")
    return driver.find_element(By.CSS_SELECTOR, "#figure-acceptanceRate td.value").text


def test_rep_rejects_from_the_queue_and_marketing_sees_it(driver, base):
    # The marketer notes the quarter's acceptance rate; a rep rejects a waiting lead from the queue with a reason;
    # the marketer sees the reason in lead quality and the acceptance rate move on the scorecard.
    import datetime
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    today = datetime.date.today()
    days = sorted({today.isoformat(), (today - datetime.timedelta(days=2)).isoformat()})  # fresh leads are < 31 h old
    sign_in_fresh(driver, base, "marketer1@accord.example")
    before = {day: scorecard_acceptance(driver, base, day) for day in days}
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Scorecard ")
    for chart in ("funnel", "volume", "compliance", "by-group", "heatmap"):
        svg = driver.find_element(By.ID, chart)
        assert svg.find_element(By.TAG_NAME, "title").get_attribute("textContent"), chart
        assert svg.find_element(By.TAG_NAME, "desc").get_attribute("textContent"), chart
    assert "breached the SLA" in driver.find_element(By.ID, "risk-inputs").text
    driver.save_screenshot(os.path.join(os.environ.get("BROWSER_ARTIFACTS", tempfile.gettempdir()), "scorecard.png"))
    for number in range(8, 0, -1):
        sign_in_fresh(driver, base, f"rep{number}@accord.example")
        driver.get(base + "/queue")
        if waiting_cards(driver):
            break
    else:
        raise AssertionError("no demo rep has a lead waiting")
    card = waiting_cards(driver)[0].find_element(By.XPATH, "./ancestor::li")
    lead_id = card.get_attribute("data-lead")
    Select(card.find_element(By.CSS_SELECTOR, "select[name=reason]")).select_by_value("no_authority")
    click_and_wait(driver, card.find_element(By.CSS_SELECTOR, "button[name=reject]"))
    assert "Rejected" in driver.find_element(By.CSS_SELECTOR, "p[role=status]").text
    assert not driver.find_elements(By.CSS_SELECTOR, f"[id='lead-{lead_id}'] form[action$='/accept']"), "answered"
    # The rep's own scorecard is theirs alone.
    driver.get(base + "/scorecard")
    assert "These are your own leads." in driver.find_element(By.TAG_NAME, "main").text
    sign_in_fresh(driver, base, "marketer1@accord.example")
    driver.get(base + "/quality?by=rep")
    assert "No authority to buy" in driver.find_element(By.CSS_SELECTOR, "svg#reasons").get_attribute("textContent")
    after = {day: scorecard_acceptance(driver, base, day) for day in days}
    assert any(before[day] != after[day] for day in days), (before, after)


def test_managers_approve_a_lead_definition(driver, base):
    # The marketing manager drafts a new version and proposes it; the sales manager approves, then the marketing
    # manager: it becomes the active definition.
    sign_in_fresh(driver, base, "marketingmanager1@accord.example")
    driver.get(base + "/definitions")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/definitions'] button[type=submit]"))
    if not driver.find_element(By.TAG_NAME, "h1").text.startswith("Version"):
        driver.get(base + "/definitions")
        links = driver.find_elements(By.CSS_SELECTOR, "table a[href^='/definitions/']")
        click_and_wait(driver, max(links, key=lambda link: int(link.text)))
    version_url = driver.current_url.split("?")[0].replace("/edit", "")
    driver.get(version_url)
    assert "draft" in driver.find_element(By.TAG_NAME, "main").text
    click_and_wait(driver, driver.find_element(By.XPATH, "//button[text()='Propose for approval']"))
    driver.get(version_url)
    assert "State: proposed" in driver.find_element(By.TAG_NAME, "main").text
    sign_in_fresh(driver, base, "salesmanager1@accord.example")
    driver.get(version_url)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=action][value=approve]"))
    driver.get(version_url)
    text = driver.find_element(By.TAG_NAME, "main").text
    assert "State: proposed" in text and "approved by" in text, text
    sign_in_fresh(driver, base, "marketingmanager1@accord.example")
    driver.get(version_url)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[name=action][value=approve]"))
    driver.get(version_url)
    assert "State: active" in driver.find_element(By.TAG_NAME, "main").text


TESTS = [test_strangers_are_sent_to_sign_in, test_wrong_password_is_refused,
         test_rep_signs_in_sees_their_leads_and_is_refused_the_audit, test_sign_out_ends_the_session,
         test_manager_sees_the_audit_trail, test_rep_works_the_queue, test_manager_sees_team_queues,
         test_admin_edits_a_routing_rule, test_feedback_loop_on_the_lead_page, test_marketer_compares_attribution_models,
         test_marketer_imports_a_hubspot_export, test_request_declined_with_an_alternative_is_appealed,
         test_reviewer_approves_an_asset, test_marketer_checks_an_audience,
         test_rep_rejects_from_the_queue_and_marketing_sees_it, test_managers_approve_a_lead_definition]


def main():
    workdir = tempfile.mkdtemp(prefix="accord-browser-")
    process, base = start_server(workdir)
    passed = failed = 0
    driver = browser()
    try:
        for test in TESTS:
            try:
                test(driver, base)
                passed += 1
                print(f"ok   {test.__name__}")
            except Exception:
                failed += 1
                print(f"FAIL {test.__name__}")
                traceback.print_exc()
    finally:
        driver.quit()
        process.terminate()
        process.wait(timeout=30)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
