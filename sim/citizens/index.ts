/**
 * sim/citizens: simulated citizens for `citywifi demo`. Phones join emulated MikroTik hotspots
 * (sim/hotspot), go through the router's login page to the captive portal, log in (click-through,
 * a voucher, or MAC login for a phone seen before), stay a few minutes with interim accounting and
 * traffic, and leave with an Accounting Stop; some rate the site or report a problem through the
 * portal's own forms. Only the network is used: HTTP to the hotspots and the portal, RADIUS from the
 * hotspots (each from its own loopback address, so RADIUS finds the site by its NAS).
 */
export { startCitizens, type CitizenSite, type Crowd, type CrowdEvent, type CrowdOptions, type CrowdStats } from './crowd.js';
