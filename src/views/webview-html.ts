/**
 * The page every vmscope webview loads: its bundle's script and stylesheet from media/dist, a strict
 * content security policy (nothing but this extension's files and inline styles and scripts carrying
 * the page's nonce), and one mount point.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';

export function webviewHtml(extensionUri: vscode.Uri, webview: vscode.Webview, bundle: string, title: string, appAttributes = ''): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const uri = (f: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'dist', f));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${uri(`${bundle}.css`)}" id="vscode-codicon-stylesheet">
<title>${title}</title>
</head>
<body>
<div id="app"${appAttributes}></div>
<script nonce="${nonce}" src="${uri(`${bundle}.js`)}"></script>
</body>
</html>`;
}
