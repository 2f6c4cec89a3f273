// CloudFront Function (viewer request, cloudfront-js-2.0) on the web app's default
// behaviour. A path whose last segment has no file extension is a client-side route
// of the app (/track/123, /services/birth-registration-new, /): serve the app shell,
// /index.html, so a reload or a shared link opens the app instead of an S3 error.
// Files (/assets/app-3F2A9C1B.js, /sw.js, /manifest.webmanifest) pass unchanged, and
// /api/* never reaches this function (it has its own behaviour).
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
