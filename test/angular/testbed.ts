// Angular's test environment for the tests in this folder. The source's decorators are compiled at
// run time here (JIT, hence @angular/compiler); the package itself ships partially compiled,
// ahead-of-time output (scripts/build-angular.mjs), which test/fresh/angular builds in an app.
import '@angular/compiler';
import { TestBed } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';

TestBed.initTestEnvironment(BrowserTestingModule, platformBrowserTesting());
