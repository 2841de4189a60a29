"""Everything else is in setup.cfg. The package list is here because setup.cfg's `find:` cannot add a
package that lives outside src/: the top-level conf/ folder, installed as gencner.conf."""

from setuptools import find_packages, setup

setup(packages=[*find_packages("src"), "gencner.conf"])
