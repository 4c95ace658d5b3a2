/** The console stylesheet, served at STYLESHEET_PATH (kept in a module so the build ships it with the code). */
export const CONSOLE_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f3f5f8;color:#1b1f24;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
.card{width:100%;max-width:26rem;margin:2rem 1rem;padding:2rem;background:#fff;border:1px solid #d5dae1;border-radius:8px}
h1{margin:0 0 .25rem;font-size:1.4rem}
.sub{margin:0 0 1.5rem;color:#57606a}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.55rem .6rem;border:1px solid #8c959f;border-radius:4px;font:inherit}
input:focus,button:focus{outline:3px solid #0969da;outline-offset:1px}
button{margin-top:1.5rem;width:100%;padding:.6rem;border:0;border-radius:4px;background:#0969da;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:#57606a}
.error{margin:1rem 0;padding:.75rem;border:1px solid #cf222e;border-radius:4px;background:#ffebe9;color:#82071e}
.error ul{margin:.25rem 0 0;padding-left:1.25rem}
.rules{padding-left:1.25rem;color:#57606a;font-size:.9rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}
dt{font-weight:600}
dd{margin:0;word-break:break-all}
body{flex-direction:column}
.hint{margin:.25rem 0 0;color:#57606a;font-size:.9rem}
.role-banner{align-self:stretch;margin-bottom:auto;display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1rem;padding:.5rem 1rem}
.role-banner~.card{margin-bottom:auto}
.role-banner p,.role-banner form{margin:0}
.role-banner button{margin:0;width:auto;padding:.35rem .9rem;background:#fff;color:#1b1f24;border:1px solid #1b1f24}
.colour-red{background:#a40e26;color:#fff}
.colour-orange{background:#953800;color:#fff}
.colour-yellow{background:#f2cc60;color:#1b1f24}
.colour-green{background:#116329;color:#fff}
.colour-blue{background:#0550ae;color:#fff}
.colour-purple{background:#6639ba;color:#fff}
.swatch{display:inline-block;width:1rem;height:1rem;margin-right:.4rem;border:1px solid #1b1f24;border-radius:2px;vertical-align:-.15rem}
fieldset.colours{margin:1rem 0 0;padding:0;border:0}
fieldset.colours legend{padding:0;font-weight:600}
.choice{display:inline-flex;align-items:center;margin:.25rem 1rem .25rem 0}
.choice label{display:inline;margin:0 0 0 .3rem;font-weight:400}
.recent-roles{padding:0;list-style:none}
.recent-roles button{margin-top:.5rem;text-align:left;background:#fff;color:#1b1f24;border:1px solid #8c959f;font-weight:600}
.recent-detail{color:#57606a;font-weight:400;font-size:.9rem}
`;
