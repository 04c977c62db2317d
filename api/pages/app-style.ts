// The artist app's own rules, served after the dashboard's (api/pages/dashboard-assets.ts) in /app/app.css. Phone
// first: everything stacks at 390 px; focus is always visible for keyboard users.
export const appStyle = `
a{color:#0b57d0}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.topbar{flex-wrap:wrap;gap:8px}.brand{font-weight:800;color:#1d1d1f;text-decoration:none}
.app-nav{display:flex;flex-wrap:wrap;gap:4px 16px}.app-nav li{border:0;padding:4px 0}.app-nav a{color:#1d1d1f}
.app-nav a[aria-current=page]{text-decoration:underline;text-underline-offset:4px}
.page{max-width:960px;margin:0 auto;padding:16px}
.page form{display:grid;gap:8px;max-width:480px}.page form.inline{display:inline-flex;gap:8px;align-items:center;max-width:none}
input,select,textarea{font:inherit;padding:9px;border:1px solid #8a8a8f;border-radius:6px;min-width:0}
input[type=radio],input[type=checkbox]{padding:0;width:20px;height:20px;flex:none;margin:2px 0 0}
label{font-weight:600}.notice{color:#1d5c2e}.banner{margin:0;padding:10px 20px;background:#e8f3ea}
.error{font-weight:600}.secret{font-family:ui-monospace,monospace;word-break:break-all;background:#fff6d6;padding:8px;border-radius:6px}
button.secondary{background:#fff;color:#1d1d1f;border:1px solid #1d1d1f}button.danger{background:#b3261e}
.table-wrap{overflow-x:auto}details{margin-top:16px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
fieldset{border:1px solid #d0d0cc;border-radius:8px;display:grid;gap:8px;padding:12px}legend{font-weight:700}
.choice{display:flex;gap:8px;align-items:flex-start;font-weight:400}.plain{padding-left:18px}
.setup{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:24px}.page .setup form{max-width:none}
.preview{background:#121212;color:#fff;border-radius:12px;padding:16px;text-align:center}.preview .muted{color:#c8c8c8}
.art{width:160px;height:160px;margin:0 auto;background:#333;display:grid;place-items:center;font-size:48px;border-radius:6px;overflow:hidden}
.art img{width:100%;height:100%}.p-title{font-weight:700;font-size:1.2rem}.fake-button{display:inline-block;background:#1db954;color:#000;padding:8px 16px;border-radius:20px;font-weight:700}
.found{display:flex;gap:12px;align-items:center}form.google{margin-top:12px}
.variant{border:1px solid #d0d0cc;border-radius:8px;padding:12px;margin:12px 0;display:grid;gap:8px}.variant h3,.variant h4{margin:0}
.copy{display:grid;gap:6px;margin:0}.copy div{display:grid;grid-template-columns:140px minmax(0,1fr);gap:8px}.copy dt{font-weight:600}.copy dd{margin:0;overflow-wrap:anywhere}
.findings ul{margin:4px 0}.two{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:24px}textarea{font:inherit;padding:9px;border:1px solid #8a8a8f;border-radius:6px}
@media (max-width:480px){.copy div{grid-template-columns:1fr;gap:0}}
@media (max-width:800px){.setup{grid-template-columns:1fr}}
@media (max-width:480px){.signin{margin:16px;padding:20px}.stats{flex-wrap:wrap;gap:16px}.layout{padding:8px}}
`;
