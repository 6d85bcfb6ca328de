// A plan's matrix in the SPA: Sơn Hải's 81/KH-UBND with lead and coordinating marks, filtered
// by unit. Runs against a live server with the demo data (E2E_BASE_URL).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, launch } from "./support.mjs";

let browser;
let page;

before(async () => {
  browser = await launch();
  page = await (await browser.newContext({ locale: "vi-VN" })).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill("sonhai.baocao");
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
});
after(async () => browser?.close());

test("Sơn Hải's matrix: 21 tasks in 6 groups, filtered to the health station", async () => {
  await page.getByRole("link", { name: "Kế hoạch" }).click();
  await page.getByTestId("plan-list").getByRole("button", { name: /81\/KH-UBND/ }).click();
  const matrix = page.getByTestId("matrix");
  await matrix.getByText("Nâng cao chất lượng công tác tiêm chủng mở rộng").waitFor();
  assert.equal(await matrix.locator("tbody tr.group").count(), 6);
  assert.equal(await matrix.locator("tbody tr:not(.group)").count(), 21);
  await page.getByLabel("Lọc theo đơn vị").selectOption({ label: "Trạm Y tế xã Sơn Hải" });
  const tasks = matrix.locator("tbody tr:not(.group)");
  const count = await tasks.count();
  assert.ok(count >= 10 && count < 21, `${count} tasks for the station`);
  const row = await matrix.locator("tbody tr", { hasText: "tiêm chủng mở rộng" }).innerText();
  assert.match(row, /●/);
});

test("a commune's plan manager starts the health station's plan from 81/KH-UBND and edits it", async () => {
  const context = await browser.newContext({ locale: "vi-VN" });
  const p = await context.newPage();
  p.setDefaultTimeout(15_000);
  await p.goto(`${BASE}/login`);
  await p.getByLabel("Tên đăng nhập").fill("sonhai.kehoach");
  await p.getByLabel("Mật khẩu").fill("healthplan");
  await p.getByRole("button", { name: "Đăng nhập" }).click();
  await p.waitForURL(`${BASE}/`);
  await p.getByRole("link", { name: "Kế hoạch" }).click();
  await p.getByTestId("plan-list").getByRole("button", { name: /81\/KH-UBND/ }).click();
  await p.getByText("Lập kế hoạch thực hiện cho đơn vị").click();
  await p.getByLabel("Tên kế hoạch").fill("Kế hoạch của Trạm Y tế xã Sơn Hải năm 2026");
  await p.getByLabel(/Đơn vị lập kế hoạch/).fill("tram y te son hai");
  await p.getByRole("button", { name: /Trạm Y tế xã Sơn Hải \(BN-SONHAI-TYT\)/ }).click();
  await p.getByRole("heading", { name: "Kế hoạch của Trạm Y tế xã Sơn Hải năm 2026" }).waitFor();
  const grid = p.getByTestId("matrix");
  await grid.getByText("Nâng cao chất lượng công tác tiêm chủng mở rộng").waitFor();
  // Copied: only the tasks the station leads or joins (not task 4, traffic safety).
  assert.equal(await grid.getByText(/an toàn giao thông/).count(), 0);

  await p.getByRole("button", { name: "Sửa nhiệm vụ và phân công" }).click();
  const editor = p.getByTestId("matrix-editor");
  await editor.getByRole("button", { name: "Thêm dòng" }).click();
  const rows = await editor.locator("tbody tr").count();
  await editor.getByLabel(`STT ${rows}`).fill("22");
  await editor.getByLabel(`Tên nhiệm vụ / nhóm ${rows}`).fill("Khám sức khỏe người cao tuổi");
  await editor.getByLabel(`Đơn vị chủ trì (mã hoặc tên) ${rows}`).fill("Trạm Y tế xã Sơn Hải");
  await editor.getByLabel(`Đơn vị phối hợp (cách nhau dấu phẩy) ${rows}`).fill("Hội Người cao tuổi xã Sơn Hải");
  const deadline = editor.getByLabel(`Thời hạn ${rows}`);
  assert.equal(await deadline.getAttribute("type"), "text"); // dd/mm/yyyy whatever the locale
  await deadline.fill("01/10/2026");
  await editor.getByRole("button", { name: "Xem trước thay đổi" }).click();
  assert.match(await p.getByTestId("matrix-changes").innerText(), /Thêm 1, sửa 0, xóa 0 nhiệm vụ; thêm 2, bỏ 0 phân công/);
  await editor.getByRole("button", { name: "Lưu ma trận" }).click();
  await editor.getByRole("status").getByText("Đã lưu ma trận.").waitFor();
  await p.getByRole("button", { name: "Đóng chế độ sửa" }).click();
  await p.getByTestId("matrix").getByText("Khám sức khỏe người cao tuổi").waitFor();
  await context.close();
});
