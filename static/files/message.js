// message.js: the message page.
"use strict";
