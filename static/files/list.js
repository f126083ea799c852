// list.js: the message list page (selection, keyboard, in-page actions).
"use strict";
