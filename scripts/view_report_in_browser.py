"""Open compat/report.html in a real browser engine (Chromium, via QtWebEngine), offscreen.

The compat report is meant to be read in a browser; this checks that it loads and renders:
it prints what the DOM holds (title, tables, rows) and saves a screenshot, optionally after
running a line of JavaScript first (e.g. clicking the first link to a side-by-side diff).

QtWebEngine is not a dependency of the project; install it into a scratch venv:

    python -m venv /tmp/qt && /tmp/qt/bin/pip install PyQt6 PyQt6-WebEngine
    QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu" \
        /tmp/qt/bin/python scripts/view_report_in_browser.py compat/report.html /tmp/shot.png \
        "document.querySelector('a[href^=\"#\"]').click();"
"""
import os
import sys

from PyQt6.QtCore import QSize, QTimer, QUrl
from PyQt6.QtWebEngineWidgets import QWebEngineView
from PyQt6.QtWidgets import QApplication

DOM_FACTS = """JSON.stringify({title: document.title,
  tables: document.querySelectorAll('table').length, rows: document.querySelectorAll('tr').length,
  summary: document.body.innerText.match(/compat: .*/)[0],
  width: document.body.scrollWidth, height: document.body.scrollHeight})"""


def main(page, screenshot, first_js=""):
    app = QApplication(sys.argv)
    view = QWebEngineView()
    view.resize(QSize(1400, 1000))

    def loaded(ok):
        print("loaded:", ok)

        def report(facts):
            print(facts)
            QTimer.singleShot(500, lambda: (view.grab().save(screenshot),
                                            print("screenshot:", screenshot), app.quit()))
        view.page().runJavaScript(first_js + DOM_FACTS, report)

    view.loadFinished.connect(loaded)
    view.load(QUrl.fromLocalFile(os.path.abspath(page)))
    view.show()
    QTimer.singleShot(30000, app.quit)  # never hang if the page does not load
    app.exec()


if __name__ == "__main__":
    main(*sys.argv[1:4])
