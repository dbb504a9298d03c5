// Live request log: re-read /portal/requests.json with the page's filters every two seconds.
(function () {
  "use strict";
  var body = document.getElementById("log-rows");
  if (!body) { return; }
  var query = window.location.search;
  function cell(text, cls) {
    var td = document.createElement("td");
    if (cls) { td.className = cls; }
    td.textContent = text;
    return td;
  }
  function render(entries) {
    var rows = entries.map(function (e) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(new Date(e.at * 1000).toISOString().replace("T", " ").slice(0, 19), "small"));
      var ep = cell(""); var code = document.createElement("code"); code.textContent = e.method + " " + e.path; ep.appendChild(code); tr.appendChild(ep);
      tr.appendChild(cell(e.client_key || "", "small"));
      tr.appendChild(cell(String(e.status)));
      var oc = cell(""); var badge = document.createElement("span"); badge.className = "badge " + (e.outcome === "ok" ? "ok" : "bad"); badge.textContent = e.outcome; oc.appendChild(badge); tr.appendChild(oc);
      var lid = cell("", "small"); var link = document.createElement("a"); link.href = "/portal/requests/" + encodeURIComponent(e.log_id);
      var lc = document.createElement("code"); lc.textContent = e.log_id; link.appendChild(lc); lid.appendChild(link); tr.appendChild(lid);
      return tr;
    });
    if (rows.length) { body.replaceChildren.apply(body, rows); }
  }
  function poll() {
    fetch("/portal/requests.json" + query, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(render)
      .catch(function () { /* the server may be restarting; try again next tick */ });
  }
  window.setInterval(poll, 2000);
})();
