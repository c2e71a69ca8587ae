// The dashboard's shell: sign-in, navigation by URL hash, and one live page at a time.
import { api, session } from "./api.js";
import { capacityView, createView, detailView, listView, loginView, toast } from "./views.js";

const main = document.getElementById("main");
let me;
let page = { stop: () => {} };

function show(view) {
  page.stop();
  page = view;
  main.replaceChildren(view.node);
}

function signedIn(value) {
  me = value;
  document.getElementById("nav").hidden = !me;
  document.getElementById("who").hidden = !me;
  document.getElementById("who-name").textContent = me ? `${me.tenant} (${me.role})` : "";
}

async function route() {
  if (!me) {
    show({
      node: loginView((key, who) => {
        session.key = key;
        signedIn(who);
        if (location.hash === "" || location.hash === "#/login") location.hash = "#/deployments";
        else void route();
      }),
      stop: () => {},
    });
    return;
  }
  const hash = location.hash.replace(/^#/, "") || "/deployments";
  for (const a of document.querySelectorAll("[data-nav]"))
    a.classList.toggle("active", hash.startsWith(`/${a.dataset.nav}`));
  const detail = /^\/deployments\/([\w-]+)$/.exec(hash);
  if (detail) show(detailView(detail[1], (d) => toast(`${d.name} deleted`)));
  else if (hash === "/new") {
    const sites = await api("GET", "/v1/capacity").then(
      (c) => c.sites.map((s) => s.site),
      () => [],
    );
    show(createView((d) => (location.hash = `#/deployments/${d.id}`), sites));
  } else if (hash === "/capacity") show(capacityView(me));
  else show(listView());
}

document.getElementById("sign-out").addEventListener("click", () => {
  session.key = null;
  signedIn(undefined);
  location.hash = "#/login";
  void route();
});
window.addEventListener("hashchange", () => void route());

(async () => {
  if (session.key) {
    try {
      signedIn(await api("GET", "/v1/me"));
    } catch {
      session.key = null;
    }
  }
  await route();
})();
